#include "storage/store/store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

TEST_F(StoreTest, ReopenContinuesTheStreamAfterTheHighestPosition) {
  NewEvent e;
  e.event = test_event("$1", "!r:test.local", "m.room.message", std::nullopt, "@a:test.local");
  store().events.persist(e);
  const auto receipt = store().user_data.put_receipt(
      {"!r:test.local", "m.read", "@a:test.local", "", "$1", 1, 1, 0});
  // The highest position is not an event's: the stream counts every kind.
  const auto highest = store().user_data.put_account_data("@a:test.local", "", "t", "{}");
  ASSERT_GT(highest, receipt);

  reopen();
  EXPECT_EQ(store().stream().current(), highest);
  EXPECT_EQ(store().events.max_stream_ordering(), highest);
  NewEvent next;
  next.event = test_event("$2", "!r:test.local", "m.room.message", std::nullopt, "@a:test.local");
  EXPECT_EQ(store().events.persist(next).position, highest + 1);
  EXPECT_EQ(store().user_data.put_presence({"@a:test.local", "online", {}, 1, 0}), highest + 2);
  // What was there before the restart is still there.
  EXPECT_TRUE(store().events.event("$1").has_value());
  EXPECT_EQ(store().user_data.account_data("@a:test.local", "", "t"), "{}");
}

TEST_F(StoreTest, ReopenOfAnEmptyDatabaseStartsAtZero) {
  reopen();
  EXPECT_EQ(store().stream().current(), 0);
  NewEvent e;
  e.event = test_event("$1", "!r:test.local", "m.room.message", std::nullopt, "@a:test.local");
  EXPECT_EQ(store().events.persist(e).position, 1);
}

TEST_F(StoreTest, OpeningTwiceKeepsTheSchema) {
  store().accounts.create_user({"@a:test.local", {}, 1, false, false, false, {}});
  reopen();
  reopen();
  EXPECT_TRUE(store().accounts.user_exists("@a:test.local"));
}

}  // namespace
}  // namespace myelin::storage
