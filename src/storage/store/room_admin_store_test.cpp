#include "storage/store/room_admin_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kRoom = "!room:test.local";
constexpr const char* kOther = "!other:test.local";
constexpr const char* kAlice = "@alice:test.local";
constexpr const char* kRemote = "@eve:elsewhere.example";
constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

class RoomAdminStoreTest : public StoreTest {
 protected:
  RoomAdminStore& admin() { return store().room_admin; }

  // Persists an event at `depth` replacing the previous extremity, as a linear room grows.
  void add(const std::string& event_id, const std::string& sender, std::int64_t depth,
           std::optional<std::string> state_key = std::nullopt, const std::string& room = kRoom) {
    NewEvent e;
    const bool member = state_key.has_value();
    e.event = test_event(event_id, room, member ? "m.room.member" : "m.room.message", state_key,
                         sender, depth);
    if (member) {
      e.membership = "join";
      e.state_group =
          NewStateGroup{++group_, std::nullopt, 0, {{{"m.room.member", *state_key}, event_id}}};
      e.event.state_group = group_;
    }
    auto& last = last_[room];
    if (!last.empty()) e.prev_extremities = {last};
    last = event_id;
    store().events.persist(e);
  }

  std::vector<std::string> room_event_ids(const std::string& room = kRoom) {
    std::vector<std::string> ids;
    for (const auto& e : store().events.room_events(room, 0, kEnd, 100, Direction::kForwards)) {
      ids.push_back(e.event_id);
    }
    return ids;
  }

  std::int64_t group_ = 0;
  std::map<std::string, std::string> last_;
};

TEST_F(RoomAdminStoreTest, BlockKeepsFirstBlockerAndUnblocks) {
  EXPECT_EQ(admin().blocked_by(kRoom), std::nullopt);
  admin().block_room(kRoom, "@admin:test.local");
  admin().block_room(kRoom, "@other-admin:test.local");
  EXPECT_EQ(admin().blocked_by(kRoom), "@admin:test.local");
  EXPECT_TRUE(admin().unblock_room(kRoom));
  EXPECT_FALSE(admin().unblock_room(kRoom));
  EXPECT_EQ(admin().blocked_by(kRoom), std::nullopt);
}

TEST_F(RoomAdminStoreTest, EventReportsFilterOrderAndPage) {
  for (int i = 0; i < 5; ++i) {
    EventReport report;
    report.received_ts = 100 + i;
    report.room_id = i % 2 == 0 ? kRoom : kOther;
    report.event_id = "$e" + std::to_string(i);
    report.user_id = i < 3 ? kAlice : "@bob:test.local";
    report.reason = "spam " + std::to_string(i);
    if (i == 0) report.score = -100;
    report.event_sender = kRemote;
    EXPECT_EQ(admin().add_event_report(report), i + 1);
  }
  EventReportQuery query;
  EventReportPage all = admin().event_reports(query);
  EXPECT_EQ(all.total, 5);
  ASSERT_EQ(all.reports.size(), 5u);
  EXPECT_EQ(all.reports.front().event_id, "$e4");  // newest first by default

  query.newest_first = false;
  query.limit = 2;
  query.from = 1;
  EventReportPage page = admin().event_reports(query);
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.reports.size(), 2u);
  EXPECT_EQ(page.reports[0].event_id, "$e1");
  EXPECT_EQ(page.reports[1].event_id, "$e2");

  EventReportQuery filtered;
  filtered.room_id = kRoom;
  filtered.user_id = kAlice;
  EventReportPage mine = admin().event_reports(filtered);
  EXPECT_EQ(mine.total, 2);  // $e0, $e2

  auto first = admin().event_report(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->score, -100);
  EXPECT_EQ(first->reason, "spam 0");
  EXPECT_EQ(first->event_sender, kRemote);
  EXPECT_EQ(admin().event_report(2)->score, std::nullopt);
  EXPECT_TRUE(admin().delete_event_report(1));
  EXPECT_FALSE(admin().delete_event_report(1));
  EXPECT_EQ(admin().event_report(1), std::nullopt);
}

TEST_F(RoomAdminStoreTest, TasksUpdateAndFailWhenInterrupted) {
  admin().put_task({"t1", "delete_room", kRoom, "active", std::nullopt, std::nullopt, 1});
  admin().put_task({"t2", "purge_history", kRoom, "complete", std::nullopt, std::nullopt, 2});
  admin().put_task({"t1", "delete_room", kRoom, "active", std::nullopt, R"({"a":1})", 3});
  auto t1 = admin().task("t1");
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->result_json, R"({"a":1})");
  EXPECT_EQ(admin().tasks_of_room(kRoom, "delete_room").size(), 1u);
  EXPECT_THAT(admin().tasks_of_room(kOther, "delete_room"), IsEmpty());
  reopen();
  EXPECT_EQ(admin().fail_unfinished_tasks("restarted", 9), 1);
  EXPECT_EQ(admin().task("t1")->status, "failed");
  EXPECT_EQ(admin().task("t1")->error, "restarted");
  EXPECT_EQ(admin().task("t2")->status, "complete");
  EXPECT_EQ(admin().task("missing"), std::nullopt);
}

TEST_F(RoomAdminStoreTest, PurgeHistoryKeepsStateExtremitiesAndLocalEventsUnlessAsked) {
  add("$join", kAlice, 1, kAlice);
  add("$m2", kAlice, 2);
  add("$r3", kRemote, 3);
  add("$m4", kAlice, 4);
  add("$m5", kAlice, 5);
  // Without delete_local_events only the remote sender's event goes.
  EXPECT_EQ(admin().purge_history(kRoom, 5, false, "test.local"), 1);
  EXPECT_THAT(room_event_ids(), ElementsAre("$join", "$m2", "$m4", "$m5"));
  EXPECT_EQ(admin().purge_history(kRoom, 5, true, "test.local"), 2);
  EXPECT_THAT(room_event_ids(), ElementsAre("$join", "$m5"));
  // The forward extremity survives even below the purge point.
  EXPECT_EQ(admin().purge_history(kRoom, 100, true, "test.local"), 0);
  EXPECT_THAT(room_event_ids(), ElementsAre("$join", "$m5"));
}

TEST_F(RoomAdminStoreTest, ForwardExtremitiesListedAndExtrasDeleted) {
  add("$a", kAlice, 1, kAlice);
  add("$b", kAlice, 2);
  auto list = admin().forward_extremities(kRoom);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].event_id, "$b");
  EXPECT_EQ(list[0].depth, 2);
  // A second branch (as federation may leave) is an extra extremity.
  NewEvent fork;
  fork.event = test_event("$c", kRoom, "m.room.message", std::nullopt, kRemote, 1);
  store().events.persist(fork);
  EXPECT_EQ(admin().forward_extremities(kRoom).size(), 2u);
  EXPECT_EQ(admin().delete_extra_forward_extremities(kRoom), 1);
  EXPECT_THAT(store().events.forward_extremities(kRoom), ElementsAre("$b"));
  EXPECT_EQ(admin().delete_extra_forward_extremities(kRoom), 0);
}

TEST_F(RoomAdminStoreTest, MoveAliasesAndPurgeRoom) {
  store().rooms.create_room({kRoom, "10", kAlice, true, 1});
  store().rooms.create_room({kOther, "10", kAlice, false, 1});
  ASSERT_TRUE(store().rooms.create_alias({"#a:test.local", kRoom, kAlice}));
  ASSERT_TRUE(store().rooms.create_alias({"#b:test.local", kRoom, kAlice}));
  add("$join", kAlice, 1, kAlice);
  add("$m", kAlice, 2);
  add("$keep", kAlice, 1, kAlice, kOther);

  EXPECT_THAT(admin().move_aliases(kRoom, std::string(kOther), "@admin:test.local"),
              ElementsAre("#a:test.local", "#b:test.local"));
  EXPECT_EQ(store().rooms.alias("#a:test.local")->room_id, kOther);
  EXPECT_THAT(admin().move_aliases(kOther, std::nullopt, "@admin:test.local"),
              ElementsAre("#a:test.local", "#b:test.local"));
  EXPECT_EQ(store().rooms.alias("#a:test.local"), std::nullopt);

  admin().purge_room(kRoom);
  EXPECT_EQ(store().rooms.room(kRoom), std::nullopt);
  EXPECT_THAT(room_event_ids(), IsEmpty());
  EXPECT_THAT(store().events.current_state(kRoom), IsEmpty());
  EXPECT_THAT(store().events.members(kRoom), IsEmpty());
  EXPECT_THAT(store().events.forward_extremities(kRoom), IsEmpty());
  // Other rooms are untouched.
  EXPECT_THAT(room_event_ids(kOther), ElementsAre("$keep"));
  EXPECT_TRUE(store().rooms.room(kOther));
}

TEST_F(RoomAdminStoreTest, DeviceCount) { EXPECT_EQ(admin().device_count({kAlice}), 0); }

}  // namespace
}  // namespace myelin::storage
