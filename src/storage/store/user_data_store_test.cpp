#include "storage/store/user_data_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

using ::testing::IsEmpty;

constexpr const char* kAlice = "@alice:test.local";
constexpr const char* kBob = "@bob:test.local";
constexpr const char* kRoom = "!room:test.local";
constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

class UserDataStoreTest : public StoreTest {
 protected:
  UserDataStore& data() { return store().user_data; }
};

TEST_F(UserDataStoreTest, AccountDataTakesPositionsAndWindowsBySinceAndTo) {
  const auto p1 = data().put_account_data(kAlice, "", "m.direct", R"({"a":1})");
  const auto p2 = data().put_account_data(kAlice, kRoom, "m.tag", R"({"tags":{}})");
  const auto p3 = data().put_account_data(kBob, "", "m.direct", R"({"b":1})");
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  EXPECT_EQ(store().stream().current(), p3);

  EXPECT_EQ(data().account_data(kAlice, "", "m.direct"), R"({"a":1})");
  EXPECT_EQ(data().account_data(kAlice, kRoom, "m.tag"), R"({"tags":{}})");
  EXPECT_FALSE(data().account_data(kAlice, kRoom, "m.direct").has_value());

  auto all = data().account_data_since(kAlice, 0, kEnd);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].type, "m.direct");
  EXPECT_EQ(all[0].room_id, "");
  EXPECT_EQ(all[0].stream_id, p1);
  EXPECT_EQ(all[1].room_id, kRoom);
  auto window = data().account_data_since(kAlice, p1, p2);
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0].type, "m.tag");
  EXPECT_THAT(data().account_data_since(kAlice, 0, p1 - 1), IsEmpty());
  EXPECT_THAT(data().account_data_since(kAlice, p2, kEnd), IsEmpty());

  // An update replaces the content and moves the entry to the new position.
  const auto p4 = data().put_account_data(kAlice, "", "m.direct", R"({"a":2})");
  EXPECT_EQ(data().account_data(kAlice, "", "m.direct"), R"({"a":2})");
  auto since = data().account_data_since(kAlice, p3, kEnd);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].content_json, R"({"a":2})");
  EXPECT_EQ(since[0].stream_id, p4);
  EXPECT_EQ(data().account_data_since(kAlice, 0, kEnd).size(), 2u);
}

TEST_F(UserDataStoreTest, ReceiptsUpsertPerRoomTypeUserAndThread) {
  const auto p1 = data().put_receipt({kRoom, "m.read", kAlice, "", "$e1", 10, 100, 0});
  const auto p2 = data().put_receipt({kRoom, "m.read", kAlice, "thread1", "$e2", 12, 101, 0});
  const auto p3 = data().put_receipt({kRoom, "m.read.private", kAlice, "", "$e3", 15, 102, 0});
  const auto p4 = data().put_receipt({kRoom, "m.read", kBob, "", "$e1", 10, 103, 0});
  EXPECT_EQ(data().receipts_since(kRoom, 0, kEnd).size(), 4u);

  // Same (room, type, user, thread): replaced, at a new position.
  const auto p5 = data().put_receipt({kRoom, "m.read", kAlice, "", "$e4", 20, 104, 0});
  auto all = data().receipts_since(kRoom, 0, kEnd);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all.back().event_id, "$e4");
  EXPECT_EQ(all.back().stream_id, p5);
  EXPECT_EQ(all.back().event_stream_ordering, 20);
  EXPECT_EQ(all.back().ts, 104);
  EXPECT_EQ(all.back().thread_id, "");
  int alice_main_read = 0;
  for (const ReceiptRecord& r : all) {
    if (r.user_id == kAlice && r.receipt_type == "m.read" && r.thread_id.empty()) {
      ++alice_main_read;
    }
  }
  EXPECT_EQ(alice_main_read, 1);

  auto window = data().receipts_since(kRoom, p1, p4);
  ASSERT_EQ(window.size(), 3u);
  EXPECT_EQ(window[0].stream_id, p2);
  EXPECT_EQ(window[0].thread_id, "thread1");
  EXPECT_EQ(window[1].stream_id, p3);
  EXPECT_EQ(window[2].user_id, kBob);
  EXPECT_THAT(data().receipts_since("!other:test.local", 0, kEnd), IsEmpty());
}

TEST_F(UserDataStoreTest, ReadPositionIsTheHighestReadReceipt) {
  EXPECT_EQ(data().read_position(kAlice, kRoom), 0);
  data().put_receipt({kRoom, "m.read", kAlice, "", "$e1", 10, 1, 0});
  EXPECT_EQ(data().read_position(kAlice, kRoom), 10);
  data().put_receipt({kRoom, "m.read.private", kAlice, "", "$e2", 14, 1, 0});
  EXPECT_EQ(data().read_position(kAlice, kRoom), 14);
  data().put_receipt({kRoom, "m.read", kAlice, "t", "$e3", 12, 1, 0});
  EXPECT_EQ(data().read_position(kAlice, kRoom), 14);
  // Other receipt types, users and rooms do not count.
  data().put_receipt({kRoom, "m.fully_read", kAlice, "", "$e9", 99, 1, 0});
  data().put_receipt({kRoom, "m.read", kBob, "", "$e9", 50, 1, 0});
  data().put_receipt({"!other:test.local", "m.read", kAlice, "", "$x", 70, 1, 0});
  EXPECT_EQ(data().read_position(kAlice, kRoom), 14);
}

TEST_F(UserDataStoreTest, FiltersAreNumberedPerUserFromZero) {
  EXPECT_EQ(data().add_filter(kAlice, R"({"a":0})"), 0);
  EXPECT_EQ(data().add_filter(kAlice, R"({"a":1})"), 1);
  EXPECT_EQ(data().add_filter(kBob, R"({"b":0})"), 0);
  EXPECT_EQ(data().add_filter(kAlice, R"({"a":2})"), 2);
  EXPECT_EQ(data().filter(kAlice, 1), R"({"a":1})");
  EXPECT_EQ(data().filter(kBob, 0), R"({"b":0})");
  EXPECT_FALSE(data().filter(kBob, 1).has_value());
  EXPECT_FALSE(data().filter("@carol:test.local", 0).has_value());
}

TEST_F(UserDataStoreTest, PresenceUpsertsAndWindows) {
  EXPECT_FALSE(data().presence(kAlice).has_value());
  const auto p1 = data().put_presence({kAlice, "online", "hi", 100, 0});
  const auto p2 = data().put_presence({kBob, "unavailable", std::nullopt, 200, 0});
  auto alice = data().presence(kAlice);
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->state, "online");
  EXPECT_EQ(alice->status_msg, "hi");
  EXPECT_EQ(alice->last_active_ts, 100);
  EXPECT_EQ(alice->stream_id, p1);

  const auto p3 = data().put_presence({kAlice, "offline", std::nullopt, 300, 0});
  alice = data().presence(kAlice);
  EXPECT_EQ(alice->state, "offline");
  EXPECT_FALSE(alice->status_msg.has_value());
  EXPECT_EQ(alice->stream_id, p3);

  auto since = data().presence_since(p1, kEnd);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].user_id, kBob);
  EXPECT_EQ(since[0].stream_id, p2);
  EXPECT_EQ(since[1].user_id, kAlice);
  EXPECT_THAT(data().presence_since(p3, kEnd), IsEmpty());
  EXPECT_EQ(data().presence_since(0, p2).size(), 1u);  // alice moved past p2
}

TEST_F(UserDataStoreTest, PushRulesReplaceWhole) {
  EXPECT_FALSE(data().push_rules(kAlice).has_value());
  data().put_push_rules(kAlice, R"({"global":{}})");
  data().put_push_rules(kAlice, R"({"global":{"override":[]}})");
  EXPECT_EQ(data().push_rules(kAlice), R"({"global":{"override":[]}})");
  EXPECT_FALSE(data().push_rules(kBob).has_value());
}

}  // namespace
}  // namespace myelin::storage
