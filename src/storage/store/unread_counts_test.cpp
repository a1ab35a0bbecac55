#include "storage/store/unread_counts.hpp"

#include <gtest/gtest.h>

#include "storage/schema/schema_migrations.hpp"
#include "storage/sql/migrator.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

constexpr const char* kRoom = "!room:test.local";
constexpr const char* kAlice = "@alice:test.local";
constexpr const char* kBob = "@bob:test.local";
constexpr const char* kCarol = "@carol:test.local";

using Counts = std::pair<std::int64_t, std::int64_t>;

// The counter row itself: {notifications, highlights, read_position}, or all -1 when absent.
struct CounterRow {
  std::int64_t notifications = -1;
  std::int64_t highlights = -1;
  std::int64_t read_position = -1;
  bool operator==(const CounterRow&) const = default;
};

class UnreadCountsTest : public StoreTest {
 protected:
  // A message from Alice that notifies `actions`, after the previous one.
  std::int64_t message(std::vector<PushAction> actions) {
    NewEvent e;
    const std::string id = "$m" + std::to_string(++sent_);
    e.event = test_event(id, kRoom, "m.room.message", std::nullopt, kAlice, sent_);
    if (!last_.empty()) e.prev_extremities = {last_};
    e.push_actions = std::move(actions);
    last_ = id;
    return store().events.persist(e).position;
  }
  void receipt(const std::string& user, const std::string& type, std::int64_t position) {
    store().user_data.put_receipt({kRoom, type, user, "", "$read", position, 0, 0});
  }
  // What /sync shows: the counts after the user's read position.
  Counts synced(const std::string& user) {
    return store().events.unread_counts(user, kRoom, store().user_data.read_position(user, kRoom));
  }
  CounterRow counter(const std::string& user) {
    return store().database().read([&](sql::Connection& c) {
      auto row = c.query_optional(
          "SELECT notification_count, highlight_count, read_position FROM room_unread_counts"
          " WHERE room_id = ? AND user_id = ?",
          {std::string(kRoom), user});
      return row ? CounterRow{row->int64(0), row->int64(1), row->int64(2)} : CounterRow{};
    });
  }

  int sent_ = 0;
  std::string last_;
};

TEST_F(UnreadCountsTest, NewEventsAddToTheCounterFromTheReadPosition) {
  const std::int64_t first = message({});
  receipt(kBob, "m.read", first);
  EXPECT_EQ(counter(kBob), CounterRow{});  // never notified: no row
  message({{kBob, false, "main"}, {kCarol, true, "main"}});
  message({{kBob, true, "main"}});
  EXPECT_EQ(counter(kBob), (CounterRow{2, 1, first}));
  EXPECT_EQ(counter(kCarol), (CounterRow{1, 1, 0}));
  EXPECT_EQ(synced(kBob), (Counts{2, 1}));
  EXPECT_EQ(synced(kCarol), (Counts{1, 1}));
  EXPECT_EQ(synced(kAlice), (Counts{0, 0}));
}

// Many members notified at once, some for the first time in the room, some highlighted.
TEST_F(UnreadCountsTest, ManyMembersSomeNewSomeHighlighted) {
  auto user = [](int i) { return "@u" + std::to_string(i) + ":test.local"; };
  std::vector<PushAction> first;
  for (int i = 0; i < 150; ++i) first.push_back({user(i), i % 7 == 0, "main"});
  message(first);
  std::vector<PushAction> second;
  for (int i = 100; i < 403; ++i) second.push_back({user(i), i % 5 == 0, "main"});
  message(second);
  for (int i : {0, 7, 99, 100, 105, 140, 149, 150, 255, 256, 300, 402}) {
    const bool in_first = i < 150;
    const bool in_second = i >= 100;
    const std::int64_t notifications = (in_first ? 1 : 0) + (in_second ? 1 : 0);
    const std::int64_t highlights =
        (in_first && i % 7 == 0 ? 1 : 0) + (in_second && i % 5 == 0 ? 1 : 0);
    EXPECT_EQ(counter(user(i)), (CounterRow{notifications, highlights, 0})) << user(i);
  }
  EXPECT_EQ(counter(user(403)), CounterRow{});
}

TEST_F(UnreadCountsTest, AReceiptRecountsFromItsPosition) {
  const std::int64_t p1 = message({{kBob, true, "main"}});
  const std::int64_t p2 = message({{kBob, false, "main"}});
  message({{kBob, false, "main"}});
  receipt(kBob, "m.read", p1);
  EXPECT_EQ(counter(kBob), (CounterRow{2, 0, p1}));
  // A private receipt further on moves the read position; an older public one does not.
  receipt(kBob, "m.read.private", p2);
  EXPECT_EQ(counter(kBob), (CounterRow{1, 0, p2}));
  // Other receipt types leave the counts alone.
  receipt(kBob, "m.fully_read", p2 + 100);
  EXPECT_EQ(counter(kBob), (CounterRow{1, 0, p2}));
  EXPECT_EQ(synced(kBob), (Counts{1, 0}));
  // Moving the receipts back (a client may) counts the earlier events again.
  receipt(kBob, "m.read.private", 0);
  EXPECT_EQ(counter(kBob), (CounterRow{2, 0, p1}));
  receipt(kBob, "m.read", 0);
  EXPECT_EQ(counter(kBob), (CounterRow{3, 1, 0}));
  EXPECT_EQ(synced(kBob), (Counts{3, 1}));
}

TEST_F(UnreadCountsTest, ACounterBehindTheReceiptsIsNotTrusted) {
  const std::int64_t p1 = message({{kBob, true, "main"}});
  message({{kBob, false, "main"}});
  // As if a receipt had been written without recounting: the counts are taken from the events.
  store().database().write([&](sql::Connection& c) {
    c.execute(
        "INSERT INTO receipts (room_id, receipt_type, user_id, thread_id, event_id,"
        " event_stream_ordering, ts, stream_id) VALUES (?, 'm.read', ?, '', '$x', ?, 0, 0)",
        {std::string(kRoom), std::string(kBob), p1});
  });
  EXPECT_EQ(counter(kBob), (CounterRow{2, 1, 0}));
  EXPECT_EQ(synced(kBob), (Counts{1, 0}));
}

TEST_F(UnreadCountsTest, PurgedEventsNoLongerCount) {
  message({{kBob, true, "main"}});
  message({{kBob, false, "main"}});
  message({{kBob, false, "main"}, {kCarol, false, "main"}});
  message({{kCarol, true, "main"}});  // the room's last event, which purging keeps
  EXPECT_EQ(synced(kBob), (Counts{3, 1}));
  // Depths 1 and 2 go.
  EXPECT_EQ(store().room_admin.purge_history(kRoom, 3, true, "test.local"), 2);
  EXPECT_EQ(counter(kBob), (CounterRow{1, 0, 0}));
  EXPECT_EQ(counter(kCarol), (CounterRow{2, 1, 0}));
}

TEST_F(UnreadCountsTest, DeletingTheRoomDeletesItsCounts) {
  message({{kBob, true, "main"}});
  store().room_admin.purge_room(kRoom);
  EXPECT_EQ(counter(kBob), CounterRow{});
  EXPECT_EQ(synced(kBob), (Counts{0, 0}));
}

// Schema v16 carries the one-row-per-member notifications of v1 over.
TEST(UnreadCountsMigrationTest, CarriesNotificationsOverFromPerMemberRows) {
  sqlite::TempDir dir;
  const std::string path = dir.file("homeserver.db");
  {
    auto db = sqlite::SqliteDatabase::open(path, {});
    std::vector<sql::Migration> before_v16;
    for (const sql::Migration& m : schema_migrations()) {
      if (m.version < 16) before_v16.push_back(m);
    }
    sql::Migrator(before_v16).migrate(*db);
    db->write([](sql::Connection& c) {
      const char* insert =
          "INSERT INTO event_push_actions (room_id, user_id, stream_ordering, event_id,"
          " highlight, thread_id) VALUES (?, ?, ?, ?, ?, 'main')";
      c.execute(insert, {std::string(kRoom), std::string(kBob), 5, "$5", 1});
      c.execute(insert, {std::string(kRoom), std::string(kCarol), 5, "$5", 0});
      c.execute(insert, {std::string(kRoom), std::string(kBob), 7, "$7", 0});
      c.execute(insert, {std::string(kRoom), std::string(kBob), 9, "$9", 0});
      c.execute(
          "INSERT INTO receipts (room_id, receipt_type, user_id, thread_id, event_id,"
          " event_stream_ordering, ts, stream_id) VALUES (?, 'm.read', ?, '', '$5', 5, 0, 1)",
          {std::string(kRoom), std::string(kBob)});
    });
    db->close();
  }
  auto store = Store::open_sqlite(path);
  EXPECT_EQ(store->events.unread_counts(kBob, kRoom, 5), (Counts{2, 0}));
  EXPECT_EQ(store->events.unread_counts(kBob, kRoom, 0), (Counts{3, 1}));
  EXPECT_EQ(store->events.unread_counts(kCarol, kRoom, 0), (Counts{1, 0}));
  const std::int64_t counted_after = store->database().read([](sql::Connection& c) {
    return c
        .query_one("SELECT read_position FROM room_unread_counts WHERE user_id = ?",
                   {std::string(kBob)})
        .int64(0);
  });
  EXPECT_EQ(counted_after, 5);
}

}  // namespace
}  // namespace myelin::storage
