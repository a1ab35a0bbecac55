#include "storage/store/media_store.hpp"

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class MediaStoreTest : public StoreTest {
 protected:
  LocalMedia uploaded(const std::string& id, const std::string& user, std::int64_t created,
                      std::int64_t length, const std::string& sha256) {
    LocalMedia media;
    media.media_id = id;
    media.media_type = "image/png";
    media.media_length = length;
    media.upload_name = id + ".png";
    media.created_ts = created;
    media.user_id = user;
    media.sha256 = sha256;
    store().media.insert(media);
    return media;
  }
  std::optional<std::string> quarantined_by(const std::string& id) {
    return store().media.get(id)->quarantined_by;
  }
  std::vector<std::string> ids(const std::vector<LocalMedia>& page) {
    std::vector<std::string> out;
    for (const LocalMedia& m : page) out.push_back(m.media_id);
    return out;
  }
};

TEST_F(MediaStoreTest, InsertGetTouchAndRemove) {
  uploaded("a", "@u:x", 100, 5, "h1");
  auto a = store().media.get("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->media_type, "image/png");
  EXPECT_EQ(a->media_length, 5);
  EXPECT_EQ(a->upload_name, "a.png");
  EXPECT_EQ(a->user_id, "@u:x");
  EXPECT_FALSE(a->last_access_ts);
  EXPECT_FALSE(a->safe_from_quarantine);
  store().media.set_last_access("a", 500);
  EXPECT_EQ(store().media.get("a")->last_access_ts, 500);
  EXPECT_TRUE(store().media.remove("a"));
  EXPECT_FALSE(store().media.remove("a"));
  EXPECT_FALSE(store().media.get("a"));
}

TEST_F(MediaStoreTest, PendingIdsAreCompletedOnce) {
  LocalMedia pending;
  pending.media_id = "p";
  pending.created_ts = 100;
  pending.user_id = "@u:x";
  store().media.insert(pending);
  EXPECT_FALSE(store().media.get("p")->uploaded());
  EXPECT_EQ(store().media.pending_since("@u:x", 0), std::vector<std::int64_t>{100});
  EXPECT_TRUE(store().media.pending_since("@u:x", 101).empty());
  MediaContent content{"text/plain", 3, "n.txt", "h"};
  EXPECT_TRUE(store().media.complete("p", content));
  EXPECT_FALSE(store().media.complete("p", content));
  auto p = store().media.get("p");
  EXPECT_EQ(p->media_length, 3);
  EXPECT_EQ(p->media_type, "text/plain");
  EXPECT_TRUE(store().media.pending_since("@u:x", 0).empty());
}

TEST_F(MediaStoreTest, PagesAUsersMediaInEveryOrder) {
  uploaded("c", "@u:x", 300, 1, "h1");
  uploaded("a", "@u:x", 100, 3, "h2");
  uploaded("b", "@u:x", 200, 3, "h3");
  uploaded("z", "@other:x", 50, 9, "h4");
  EXPECT_EQ(store().media.count_by_user("@u:x"), 3);
  EXPECT_EQ(ids(store().media.by_user("@u:x", 0, 10, MediaOrder::kCreatedTs, false)),
            (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(ids(store().media.by_user("@u:x", 1, 1, MediaOrder::kCreatedTs, true)),
            (std::vector<std::string>{"b"}));
  // Ties (a and b are both 3 bytes) are ordered by media_id ascending in both directions.
  EXPECT_EQ(ids(store().media.by_user("@u:x", 0, 10, MediaOrder::kMediaLength, false)),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ids(store().media.by_user("@u:x", 0, 10, MediaOrder::kMediaLength, true)),
            (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_EQ(ids(store().media.by_user("@u:x", 0, 10, MediaOrder::kMediaId, false)),
            (std::vector<std::string>{"c", "b", "a"}));
}

TEST_F(MediaStoreTest, QuarantineReachesCopiesButNotProtectedMedia) {
  uploaded("a", "@u:x", 100, 1, "same");
  uploaded("b", "@v:x", 100, 1, "same");
  uploaded("c", "@v:x", 100, 1, "same");
  uploaded("d", "@v:x", 100, 1, "other");
  EXPECT_TRUE(store().media.set_protected("c", true));
  EXPECT_FALSE(store().media.set_protected("nope", true));
  EXPECT_EQ(store().media.quarantine({"a"}, "@admin:x"), 2);
  EXPECT_EQ(quarantined_by("a"), "@admin:x");
  EXPECT_EQ(quarantined_by("b"), "@admin:x");
  EXPECT_FALSE(quarantined_by("c"));
  EXPECT_FALSE(quarantined_by("d"));
  // Already quarantined: nothing more to count.
  EXPECT_EQ(store().media.quarantine({"a", "b"}, "@admin:x"), 0);
  // The same content uploaded again arrives quarantined.
  uploaded("e", "@w:x", 100, 1, "same");
  EXPECT_EQ(quarantined_by("e"), "@admin:x");
  EXPECT_EQ(store().media.unquarantine({"b"}), 3);
  EXPECT_FALSE(quarantined_by("a"));
  EXPECT_FALSE(quarantined_by("e"));
  // A protected media is never quarantined, even by its own ID.
  EXPECT_EQ(store().media.quarantine({"c"}, "@admin:x"), 0);
  EXPECT_FALSE(quarantined_by("c"));
  // b and d, and a and e by hash.
  EXPECT_EQ(store().media.quarantine_user("@v:x", "@admin:x"), 4);
  EXPECT_TRUE(quarantined_by("a"));
  EXPECT_TRUE(quarantined_by("d"));
  EXPECT_FALSE(quarantined_by("c"));
}

TEST_F(MediaStoreTest, OldMediaByAgeAndSize) {
  uploaded("old_small", "@u:x", 100, 1, "h1");
  uploaded("old_big", "@u:x", 100, 100, "h2");
  uploaded("new", "@u:x", 1000, 100, "h3");
  uploaded("old_read_lately", "@u:x", 100, 100, "h4");
  store().media.set_last_access("old_read_lately", 2000);
  uploaded("avatar", "@u:x", 100, 100, "h5");
  store().accounts.set_avatar_url("@u:x", "mxc://x/avatar");
  uploaded("quarantined", "@u:x", 100, 100, "h6");
  store().media.quarantine({"quarantined"}, "@a:x");
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(store().media.old_media(500, 0, true, "mxc://x/")),
            (std::vector<std::string>{"old_big", "old_small"}));
  EXPECT_EQ(sorted(store().media.old_media(500, 10, true, "mxc://x/")),
            (std::vector<std::string>{"old_big"}));
  EXPECT_EQ(sorted(store().media.old_media(500, 10, false, "mxc://x/")),
            (std::vector<std::string>{"avatar", "old_big"}));
}

}  // namespace
}  // namespace myelin::storage
