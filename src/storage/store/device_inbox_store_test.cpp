#include "storage/store/device_inbox_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

constexpr std::int64_t kNow = 1'000'000'000;

class DeviceInboxStoreTest : public StoreTest {
 protected:
  DeviceInboxStore& inbox() { return store().device_inbox; }
};

TEST_F(DeviceInboxStoreTest, DeliversOnceAtOneStreamPosition) {
  const std::int64_t before = store().stream().current();
  DeliveryKey key{"", "@a:x PHONE", "txn1"};
  auto position = inbox().deliver(
      key, {{"@b:x", "B1", R"({"type":"m.t","n":1})"}, {"@b:x", "B2", R"({"type":"m.t","n":2})"}},
      kNow);
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(*position, before + 1);
  EXPECT_EQ(store().stream().current(), *position);
  // The same transaction again: nothing more.
  EXPECT_FALSE(inbox().deliver(key, {{"@b:x", "B1", "{}"}}, kNow).has_value());
  // The same ID from another sender, or another server, is another batch.
  EXPECT_TRUE(
      inbox().deliver({"", "@c:x PHONE", "txn1"}, {{"@b:x", "B1", "{}"}}, kNow).has_value());
  EXPECT_TRUE(inbox().deliver({"y", "@a:y", "txn1"}, {{"@b:x", "B1", "{}"}}, kNow).has_value());

  DeviceInboxStore::Pending b1 = inbox().pending("@b:x", "B1", 0, store().stream().current(), 10);
  ASSERT_EQ(b1.messages_json.size(), 3u);
  EXPECT_EQ(b1.messages_json[0], R"({"type":"m.t","n":1})");
  EXPECT_EQ(b1.last_stream_id, store().stream().current());
  EXPECT_FALSE(b1.more);
  DeviceInboxStore::Pending b2 = inbox().pending("@b:x", "B2", 0, store().stream().current(), 10);
  ASSERT_EQ(b2.messages_json.size(), 1u);
  EXPECT_EQ(b2.messages_json[0], R"({"type":"m.t","n":2})");
}

TEST_F(DeviceInboxStoreTest, PendingPagesAndDeletesWhatWasSeen) {
  std::vector<std::int64_t> positions;
  for (int i = 0; i < 5; ++i) {
    positions.push_back(*inbox().deliver({"", "@a:x D", "t" + std::to_string(i)},
                                         {{"@b:x", "B", std::to_string(i)}}, kNow));
  }
  DeviceInboxStore::Pending first = inbox().pending("@b:x", "B", 0, positions.back(), 2);
  EXPECT_EQ(first.messages_json, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.last_stream_id, positions[1]);
  // Only up to the sync's upper bound.
  DeviceInboxStore::Pending bounded = inbox().pending("@b:x", "B", positions[1], positions[2], 10);
  EXPECT_EQ(bounded.messages_json, (std::vector<std::string>{"2"}));
  EXPECT_FALSE(bounded.more);

  EXPECT_FALSE(inbox().has_through("@b:x", "B", positions[0] - 1));
  EXPECT_TRUE(inbox().has_through("@b:x", "B", positions[1]));
  inbox().delete_through("@b:x", "B", positions[1]);
  EXPECT_FALSE(inbox().has_through("@b:x", "B", positions[1]));
  DeviceInboxStore::Pending rest = inbox().pending("@b:x", "B", 0, positions.back(), 10);
  EXPECT_EQ(rest.messages_json, (std::vector<std::string>{"2", "3", "4"}));
}

TEST_F(DeviceInboxStoreTest, StreamRestartsAboveDeliveriesWhoseMessagesAreGone) {
  auto position = inbox().deliver({"", "@a:x D", "t"}, {{"@b:x", "B", "{}"}}, kNow);
  ASSERT_TRUE(position.has_value());
  inbox().delete_through("@b:x", "B", *position);
  reopen();
  // A client holding a token at `position` must never see a later message below it.
  EXPECT_EQ(store().stream().current(), *position);
}

TEST_F(DeviceInboxStoreTest, MessagesGoWithTheirDevice) {
  store().accounts.create_user({"@b:x", std::nullopt, 1, false, false, false, std::nullopt});
  store().accounts.upsert_device({"@b:x", "B", std::nullopt, std::nullopt, std::nullopt});
  store().accounts.upsert_device({"@b:x", "C", std::nullopt, std::nullopt, std::nullopt});
  inbox().deliver({"", "@a:x D", "t"}, {{"@b:x", "B", "{}"}, {"@b:x", "C", "{}"}}, kNow);
  store().accounts.delete_device("@b:x", "B");
  EXPECT_FALSE(inbox().has_through("@b:x", "B", store().stream().current()));
  EXPECT_TRUE(inbox().has_through("@b:x", "C", store().stream().current()));
  store().accounts.deactivate("@b:x");
  EXPECT_FALSE(inbox().has_through("@b:x", "C", store().stream().current()));
}

TEST_F(DeviceInboxStoreTest, OldDeliveryKeysAreForgottenButTheStreamsHighest) {
  constexpr std::int64_t kWeek = 7LL * 24 * 3600 * 1000;
  DeliveryKey old_key{"y", "@a:y", "m1"};
  DeliveryKey newest_old_key{"y", "@a:y", "m2"};
  DeliveryKey recent_key{"", "@a:x D", "t"};
  ASSERT_TRUE(inbox().deliver(old_key, {{"@b:x", "B", "{}"}}, kNow - 2 * kWeek));
  ASSERT_TRUE(inbox().deliver(recent_key, {{"@b:x", "B", "{}"}}, kNow - 1000));
  auto last = inbox().deliver(newest_old_key, {{"@b:x", "B", "{}"}}, kNow - 2 * kWeek);
  ASSERT_TRUE(last);
  inbox().delete_through("@b:x", "B", *last);

  EXPECT_EQ(inbox().forget_deliveries_before(kNow - kWeek, kNow), 1);
  // Forgotten: the same message ID delivers again. Kept: the recent key, and the old one that
  // holds the highest position, which the stream restarts above.
  EXPECT_TRUE(inbox().deliver(old_key, {{"@b:x", "B", "{}"}}, kNow));
  EXPECT_FALSE(inbox().deliver(recent_key, {{"@b:x", "B", "{}"}}, kNow));
  EXPECT_FALSE(inbox().deliver(newest_old_key, {{"@b:x", "B", "{}"}}, kNow));
}

TEST_F(DeviceInboxStoreTest, KeysFromBeforeTheyWereDatedAreDatedByTheFirstPass) {
  ASSERT_TRUE(inbox().deliver({"y", "@a:y", "undated"}, {{"@b:x", "B", "{}"}}, 0));
  ASSERT_TRUE(inbox().deliver({"y", "@a:y", "newest"}, {{"@b:x", "B", "{}"}}, kNow));
  EXPECT_EQ(inbox().forget_deliveries_before(kNow, kNow), 0);  // dated kNow, not forgotten
  EXPECT_FALSE(inbox().deliver({"y", "@a:y", "undated"}, {{"@b:x", "B", "{}"}}, kNow));
  EXPECT_EQ(inbox().forget_deliveries_before(kNow + 1, kNow + 1), 1);
}

}  // namespace
}  // namespace myelin::storage
