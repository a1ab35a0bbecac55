#include "storage/store/pusher_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

PusherRecord pusher(const std::string& user, const std::string& app, const std::string& key,
                    const std::string& device = "DEV") {
  return {user,         app,   key,
          "http",       "App", "Phone",
          std::nullopt, "en",  R"({"url":"https://push.example/_matrix/push/v1/notify"})",
          device,       1};
}

class PusherStoreTest : public StoreTest {
 protected:
  PusherStore& pushers() { return store().pushers; }
};

TEST_F(PusherStoreTest, SetReplacesAndListsPerUser) {
  pushers().set(pusher("@a:x", "app.one", "k1"), false);
  PusherRecord changed = pusher("@a:x", "app.one", "k1");
  changed.lang = "de";
  changed.profile_tag = "tag";
  pushers().set(changed, false);
  pushers().set(pusher("@a:x", "app.two", "k2"), false);
  std::vector<PusherRecord> all = pushers().of_user("@a:x");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].app_id, "app.one");
  EXPECT_EQ(all[0].lang, "de");
  EXPECT_EQ(all[0].profile_tag, "tag");
  EXPECT_EQ(all[0].data_json, R"({"url":"https://push.example/_matrix/push/v1/notify"})");
  EXPECT_EQ(all[1].app_id, "app.two");
  EXPECT_TRUE(pushers().of_user("@b:x").empty());
}

TEST_F(PusherStoreTest, WithoutAppendOtherUsersLoseTheSamePushkey) {
  pushers().set(pusher("@a:x", "app", "shared"), false);
  pushers().set(pusher("@b:x", "app", "shared"), true);
  EXPECT_EQ(pushers().of_user("@a:x").size(), 1u);
  EXPECT_EQ(pushers().of_user("@b:x").size(), 1u);
  pushers().set(pusher("@c:x", "app", "shared"), false);
  EXPECT_TRUE(pushers().of_user("@a:x").empty());
  EXPECT_TRUE(pushers().of_user("@b:x").empty());
  EXPECT_EQ(pushers().of_user("@c:x").size(), 1u);
}

TEST_F(PusherStoreTest, RemoveAndDeviceDeletion) {
  pushers().set(pusher("@a:x", "app", "k1", "PHONE"), false);
  pushers().set(pusher("@a:x", "app", "k2", "LAPTOP"), false);
  EXPECT_TRUE(pushers().remove("@a:x", "app", "k1"));
  EXPECT_FALSE(pushers().remove("@a:x", "app", "k1"));
  ASSERT_EQ(pushers().of_user("@a:x").size(), 1u);
  // A device's pushers go with it.
  store().accounts.delete_device("@a:x", "LAPTOP");
  EXPECT_TRUE(pushers().of_user("@a:x").empty());
}

}  // namespace
}  // namespace myelin::storage
