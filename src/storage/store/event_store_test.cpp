#include "storage/store/event_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr const char* kRoom = "!room:test.local";
constexpr const char* kAlice = "@alice:test.local";
constexpr const char* kBob = "@bob:test.local";
constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

class EventStoreTest : public StoreTest {
 protected:
  EventStore& events() { return store().events; }

  // A message event in `room` that replaces the given extremities.
  NewEvent message(const std::string& event_id, std::vector<std::string> replaces = {},
                   const std::string& room = kRoom) {
    NewEvent e;
    e.event = test_event(event_id, room, "m.room.message", std::nullopt, kAlice);
    e.prev_extremities = std::move(replaces);
    return e;
  }
  NewEvent member(const std::string& event_id, const std::string& target,
                  const std::string& membership) {
    NewEvent e;
    e.event = test_event(event_id, kRoom, "m.room.member", target, target);
    e.membership = membership;
    return e;
  }
  std::vector<std::string> ids(const std::vector<EventRecord>& records) {
    std::vector<std::string> out;
    for (const EventRecord& r : records) out.push_back(r.event_id);
    return out;
  }
};

TEST_F(EventStoreTest, PersistAssignsIncreasingPositionsAndPublishesThem) {
  EXPECT_EQ(store().stream().current(), 0);
  std::int64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    auto outcome = events().persist(message("$e" + std::to_string(i)));
    EXPECT_GT(outcome.position, last);
    EXPECT_FALSE(outcome.existing_event_id.has_value());
    EXPECT_EQ(store().stream().current(), outcome.position);
    auto read = events().event("$e" + std::to_string(i));
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->stream_ordering, outcome.position);
    last = outcome.position;
  }
  EXPECT_EQ(events().max_stream_ordering(), last);
}

TEST_F(EventStoreTest, StoresTheRecordVerbatim) {
  NewEvent e = message("$m1");
  e.event.unsigned_json = R"({"prev_content":{}})";
  e.event.device_id = "DEV";
  e.event.txn_id = "txn";
  e.event.depth = 7;
  e.event.origin_server_ts = 4242;
  events().persist(e);
  auto read = events().event("$m1");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->room_id, kRoom);
  EXPECT_EQ(read->type, "m.room.message");
  EXPECT_FALSE(read->state_key.has_value());
  EXPECT_EQ(read->sender, kAlice);
  EXPECT_EQ(read->depth, 7);
  EXPECT_EQ(read->origin_server_ts, 4242);
  EXPECT_EQ(read->pdu_json, e.event.pdu_json);
  EXPECT_EQ(read->unsigned_json, e.event.unsigned_json);
  EXPECT_EQ(read->device_id, "DEV");
  EXPECT_EQ(read->txn_id, "txn");
  EXPECT_FALSE(read->redacted_by.has_value());
  EXPECT_FALSE(events().event("$unknown").has_value());
}

TEST_F(EventStoreTest, TransactionIdDedupeReturnsTheEarlierEventAndWritesNothing) {
  NewEvent first = message("$first");
  first.event.device_id = "DEV";
  first.event.txn_id = "t1";
  first.push_actions.push_back({kBob, false, "main"});
  const auto written = events().persist(first);
  ASSERT_GT(written.position, 0);

  NewEvent again = message("$second", {"$first"});
  again.event.device_id = "DEV";
  again.event.txn_id = "t1";
  again.push_actions.push_back({kBob, true, "main"});
  const auto outcome = events().persist(again);
  EXPECT_EQ(outcome.position, 0);
  EXPECT_EQ(outcome.existing_event_id, "$first");
  EXPECT_FALSE(events().event("$second").has_value());
  EXPECT_EQ(store().stream().current(), written.position);
  EXPECT_THAT(events().forward_extremities(kRoom), ElementsAre("$first"));
  EXPECT_EQ(events().unread_counts(kBob, kRoom, 0), (std::pair<std::int64_t, std::int64_t>{1, 0}));
  EXPECT_EQ(events().event_for_txn(kAlice, "DEV", "t1"), "$first");

  // The key is (sender, device, transaction ID): another device may reuse the ID.
  NewEvent other_device = message("$third", {"$first"});
  other_device.event.device_id = "DEV2";
  other_device.event.txn_id = "t1";
  EXPECT_GT(events().persist(other_device).position, written.position);
  EXPECT_TRUE(events().event("$third").has_value());
  EXPECT_FALSE(events().event_for_txn(kAlice, "DEV3", "t1").has_value());
}

TEST_F(EventStoreTest, TransactionIdDedupeInsideABatch) {
  NewEvent first = message("$first");
  first.event.device_id = "DEV";
  first.event.txn_id = "t1";
  NewEvent again = message("$again");
  again.event.device_id = "DEV";
  again.event.txn_id = "t1";
  auto outcomes = events().persist_batch({&first, &again});
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_FALSE(outcomes[0].error);
  EXPECT_FALSE(outcomes[1].error);
  EXPECT_GT(outcomes[0].outcome.position, 0);
  EXPECT_EQ(outcomes[1].outcome.position, 0);
  EXPECT_EQ(outcomes[1].outcome.existing_event_id, "$first");
}

TEST_F(EventStoreTest, BatchKeepsTheEventsAroundOneThatFails) {
  events().persist(message("$dup"));
  NewEvent a = message("$a", {"$dup"});
  NewEvent dup = message("$dup");  // event IDs are unique
  NewEvent b = message("$b", {"$a"});
  auto outcomes = events().persist_batch({&a, &dup, &b});
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_FALSE(outcomes[0].error);
  EXPECT_TRUE(outcomes[1].error);
  EXPECT_FALSE(outcomes[2].error);
  EXPECT_LT(outcomes[0].outcome.position, outcomes[2].outcome.position);
  EXPECT_EQ(store().stream().current(), outcomes[2].outcome.position);
  EXPECT_THAT(ids(events().room_events(kRoom, 0, kEnd, 10, Direction::kForwards)),
              ElementsAre("$dup", "$a", "$b"));
  EXPECT_THAT(events().forward_extremities(kRoom), ElementsAre("$b"));
}

TEST_F(EventStoreTest, CurrentStateMembershipsAndExtremities) {
  NewEvent create;
  create.event = test_event("$create", kRoom, "m.room.create", "", kAlice);
  const auto p_create = events().persist(create).position;
  NewEvent alice_join = member("$alice_join", kAlice, "join");
  alice_join.prev_extremities = {"$create"};
  events().persist(alice_join);
  NewEvent bob_invite = member("$bob_invite", kBob, "invite");
  bob_invite.event.sender = kAlice;
  bob_invite.prev_extremities = {"$alice_join"};
  bob_invite.invite_stripped_state_json = R"([{"type":"m.room.create"}])";
  events().persist(bob_invite);

  EXPECT_EQ(events().current_state(kRoom),
            (StateEntries{{{"m.room.create", ""}, "$create"},
                          {{"m.room.member", kAlice}, "$alice_join"},
                          {{"m.room.member", kBob}, "$bob_invite"}}));
  EXPECT_THAT(events().forward_extremities(kRoom), ElementsAre("$bob_invite"));
  auto bob = events().membership(kRoom, kBob);
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->membership, "invite");
  EXPECT_EQ(bob->event_id, "$bob_invite");
  EXPECT_EQ(events().invite_stripped_state("$bob_invite"), R"([{"type":"m.room.create"}])");
  EXPECT_FALSE(events().invite_stripped_state("$alice_join").has_value());

  NewEvent bob_join = member("$bob_join", kBob, "join");
  bob_join.prev_extremities = {"$bob_invite"};
  const auto p_join = events().persist(bob_join).position;
  EXPECT_EQ(events().current_state(kRoom).at({"m.room.member", kBob}), "$bob_join");
  bob = events().membership(kRoom, kBob);
  EXPECT_EQ(bob->membership, "join");
  EXPECT_EQ(bob->stream_ordering, p_join);
  std::vector<std::string> members;
  for (const MembershipRecord& m : events().members(kRoom)) members.push_back(m.user_id);
  EXPECT_THAT(members, ElementsAre(kAlice, kBob));
  ASSERT_EQ(events().memberships_of_user(kBob).size(), 1u);
  EXPECT_EQ(events().memberships_of_user(kBob)[0].room_id, kRoom);

  // Only the slots whose event changed after the position.
  EXPECT_THAT(events().current_state_changed(kRoom, p_create, kEnd),
              ElementsAre("$alice_join", "$bob_join"));

  // A message that does not name an extremity leaves it: the room has two.
  events().persist(message("$fork"));
  EXPECT_THAT(events().forward_extremities(kRoom), UnorderedElementsAre("$bob_join", "$fork"));
  // A message is not state.
  EXPECT_EQ(events().current_state(kRoom).size(), 3u);

  // Forgetting marks the row; a new membership event clears the mark.
  NewEvent bob_leave = member("$bob_leave", kBob, "leave");
  events().persist(bob_leave);
  events().forget(kRoom, kBob);
  EXPECT_TRUE(events().membership(kRoom, kBob)->forgotten);
  events().persist(member("$bob_join2", kBob, "join"));
  EXPECT_FALSE(events().membership(kRoom, kBob)->forgotten);
}

TEST_F(EventStoreTest, StateGroupsDeltaChainAndSnapshotReadBackExactly) {
  // Group 1: a snapshot; 2 and 3 deltas on it; 4 a new snapshot of the same state as 3.
  NewEvent create;
  create.event = test_event("$create", kRoom, "m.room.create", "", kAlice);
  create.event.state_group = 1;
  create.state_group = NewStateGroup{1, std::nullopt, 0, {{{"m.room.create", ""}, "$create"}}};
  events().persist(create);

  NewEvent join = member("$join1", kAlice, "join");
  join.event.state_group = 2;
  join.state_group = NewStateGroup{2, 1, 1, {{{"m.room.member", kAlice}, "$join1"}}};
  events().persist(join);

  NewEvent rejoin = member("$join2", kAlice, "join");
  rejoin.event.state_group = 3;
  rejoin.state_group = NewStateGroup{3, 2, 2, {{{"m.room.member", kAlice}, "$join2"}}};
  events().persist(rejoin);

  const StateEntries expected3{{{"m.room.create", ""}, "$create"},
                               {{"m.room.member", kAlice}, "$join2"}};
  EXPECT_EQ(events().state_group_entries(1), (StateEntries{{{"m.room.create", ""}, "$create"}}));
  EXPECT_EQ(events().state_group_entries(2), (StateEntries{{{"m.room.create", ""}, "$create"},
                                                           {{"m.room.member", kAlice}, "$join1"}}));
  EXPECT_EQ(events().state_group_entries(3), expected3);

  NewEvent name;
  name.event = test_event("$name", kRoom, "m.room.name", "", kAlice);
  name.event.state_group = 4;
  StateEntries snapshot = expected3;
  snapshot[{"m.room.name", ""}] = "$name";
  name.state_group = NewStateGroup{4, std::nullopt, 0, snapshot};
  events().persist(name);
  EXPECT_EQ(events().state_group_entries(4), snapshot);
  EXPECT_EQ(events().max_state_group(), 4);
  EXPECT_EQ(events().event("$join2")->state_group, 3);

  // Lookup of single slots walks the chain and the nearest entry wins.
  EXPECT_EQ(events().state_group_lookup(
                3, {{"m.room.member", kAlice}, {"m.room.create", ""}, {"m.room.name", ""}}),
            expected3);
  EXPECT_EQ(events().state_group_lookup(2, {{"m.room.member", kAlice}}),
            (StateEntries{{{"m.room.member", kAlice}, "$join1"}}));
  EXPECT_EQ(events().state_group_lookup(4, {{"m.room.name", ""}}),
            (StateEntries{{{"m.room.name", ""}, "$name"}}));
  EXPECT_THAT(events().state_group_entries(99), IsEmpty());
}

TEST_F(EventStoreTest, RoomEventsInBothDirectionsWithLimits) {
  std::vector<std::int64_t> positions;
  std::string previous;
  for (int i = 0; i < 10; ++i) {
    NewEvent e = message("$a" + std::to_string(i));
    positions.push_back(events().persist(e).position);
    events().persist(message("$other" + std::to_string(i), {}, "!other:test.local"));
  }
  // Forwards: the oldest `limit` after `from`.
  EXPECT_THAT(ids(events().room_events(kRoom, 0, kEnd, 3, Direction::kForwards)),
              ElementsAre("$a0", "$a1", "$a2"));
  // Backwards: the newest `limit` up to `to`, still oldest first.
  EXPECT_THAT(ids(events().room_events(kRoom, 0, kEnd, 3, Direction::kBackwards)),
              ElementsAre("$a7", "$a8", "$a9"));
  // (from, to]: from is exclusive, to inclusive.
  EXPECT_THAT(
      ids(events().room_events(kRoom, positions[2], positions[5], 10, Direction::kForwards)),
      ElementsAre("$a3", "$a4", "$a5"));
  EXPECT_THAT(
      ids(events().room_events(kRoom, positions[2], positions[5], 2, Direction::kBackwards)),
      ElementsAre("$a4", "$a5"));
  EXPECT_THAT(ids(events().room_events(kRoom, positions[9], kEnd, 10, Direction::kForwards)),
              IsEmpty());
  EXPECT_EQ(events().room_events("!other:test.local", 0, kEnd, 100, Direction::kForwards).size(),
            10u);

  auto last = events().last_event_at(kRoom, positions[4] + 1);  // an other-room position
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->event_id, "$a4");
  EXPECT_FALSE(events().last_event_at(kRoom, positions[0] - 1).has_value());
  EXPECT_THAT(events().events({"$a1", "$missing", "$a3"}),
              ::testing::SizeIs(2));  // unknown IDs are skipped
}

TEST_F(EventStoreTest, UnreadCountsAfterAPosition) {
  NewEvent e1 = message("$1");
  e1.push_actions = {{kBob, false, "main"}, {"@carol:test.local", true, "main"}};
  const auto p1 = events().persist(e1).position;
  NewEvent e2 = message("$2", {"$1"});
  e2.push_actions = {{kBob, true, "main"}};
  const auto p2 = events().persist(e2).position;
  NewEvent e3 = message("$3", {"$2"});
  e3.push_actions = {{kBob, false, "thread"}};
  events().persist(e3);
  using Counts = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(events().unread_counts(kBob, kRoom, 0), (Counts{3, 1}));
  EXPECT_EQ(events().unread_counts(kBob, kRoom, p1), (Counts{2, 1}));
  EXPECT_EQ(events().unread_counts(kBob, kRoom, p2), (Counts{1, 0}));
  EXPECT_EQ(events().unread_counts("@carol:test.local", kRoom, 0), (Counts{1, 1}));
  EXPECT_EQ(events().unread_counts(kBob, "!other:test.local", 0), (Counts{0, 0}));
}

TEST_F(EventStoreTest, RedactionMarksTheRedactedEventOnce) {
  events().persist(message("$target"));
  NewEvent redaction = message("$redaction", {"$target"});
  redaction.event.type = "m.room.redaction";
  redaction.redacts = "$target";
  events().persist(redaction);
  EXPECT_EQ(events().event("$target")->redacted_by, "$redaction");
  NewEvent second = message("$redaction2", {"$redaction"});
  second.event.type = "m.room.redaction";
  second.redacts = "$target";
  events().persist(second);
  EXPECT_EQ(events().event("$target")->redacted_by, "$redaction");
}

TEST_F(EventStoreTest, ActiveRoomsCountEventsAndReceipts) {
  const auto p1 = events().persist(message("$1")).position;
  const auto p2 = events().persist(message("$2", {}, "!b:test.local")).position;
  const auto p3 =
      store().user_data.put_receipt({"!c:test.local", "m.read", kBob, "", "$x", 1, 5, 0});
  EXPECT_THAT(events().active_rooms(0, p3),
              UnorderedElementsAre(kRoom, "!b:test.local", "!c:test.local"));
  EXPECT_THAT(events().active_rooms(p1, p2), ElementsAre("!b:test.local"));
  EXPECT_THAT(events().active_rooms(p2, p3), ElementsAre("!c:test.local"));
  EXPECT_THAT(events().active_rooms(p3, kEnd), IsEmpty());
  EXPECT_EQ(events().max_stream_ordering(), p3);
}

TEST_F(EventStoreTest, HistoryGoesBeforeTheTimelineAndDeOutliersKnownEvents) {
  events().persist(message("$join"));
  const std::int64_t current = store().stream().current();
  NewEvent state_outlier = message("$name");
  state_outlier.event.outlier = true;
  events().persist(state_outlier);
  NewEvent rejected = message("$bad");
  rejected.event.outlier = true;
  rejected.event.rejection = "rejected: test";
  events().persist(rejected);
  NewEvent hidden = message("$other");  // an outlier that backfill does not bring
  hidden.event.outlier = true;
  events().persist(hidden);

  NewEvent m2 = message("$m2");
  m2.event.state_group = 7;
  m2.state_group = NewStateGroup{7, std::nullopt, 0, {{{"m.room.name", ""}, "$name"}}};
  NewEvent name = message("$name");
  name.event.state_group = 7;
  NewEvent bad = message("$bad");
  NewEvent m1 = message("$m1");
  m1.event.state_group = 7;
  NewEvent join_again = message("$join");
  EXPECT_EQ(events().persist_history({&join_again, &m2, &name, &bad, &m1}), 3u);

  // Newest first in, oldest lowest: below every stored event, published nowhere.
  EXPECT_EQ(store().stream().current(), current);
  auto all = events().room_events(kRoom, std::numeric_limits<std::int64_t>::min(), kEnd, 10,
                                  Direction::kForwards);
  EXPECT_THAT(ids(all), ElementsAre("$m1", "$name", "$m2", "$join"));
  EXPECT_LT(all[2].stream_ordering, 0);
  EXPECT_EQ(all[1].state_group, 7);
  EXPECT_FALSE(all[1].outlier);
  EXPECT_EQ(events().state_group_entries(7).at({"m.room.name", ""}), "$name");
  // Rejected events stay out; outliers not brought by backfill stay hidden.
  EXPECT_TRUE(events().event("$bad")->outlier);
  EXPECT_TRUE(events().event("$other")->outlier);
  // The timeline from position 0 on (what /sync reads) does not see them.
  EXPECT_THAT(ids(events().room_events(kRoom, 0, kEnd, 10, Direction::kForwards)),
              ElementsAre("$join"));
  // A second time: nothing new.
  m2.state_group.reset();
  EXPECT_EQ(events().persist_history({&m2, &name, &m1}), 0u);
}

}  // namespace
}  // namespace myelin::storage
