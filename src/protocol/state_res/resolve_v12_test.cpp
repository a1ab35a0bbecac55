#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "protocol/state_res/auth_difference.hpp"
#include "protocol/state_res/event_graph.hpp"
#include "protocol/state_res/power_ordering.hpp"
#include "protocol/state_res/resolve.hpp"
#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

// Bob (50) bans Charlie citing the old power levels, in a state that already holds Alice's
// demotion of Bob. From v12 the power events are checked starting from an empty state, so the
// ban is judged by its own auth events; before, by the unconflicted demotion.
StateMap stale_ban_resolution(TestRoom& room) {
  StateMap base = build_base_room(room);
  StateMap demoted =
      room.add_state(base, power_levels("pl-demote", room, kAlice, {{kAlice, 100}, {kBob, 0}}));
  EventSpec ban = member("stale-ban", kBob, kCharlie, "ban");
  std::string ban_id = room.add(base, ban);  // auth events chosen from before the demotion
  StateMap banned = demoted;
  banned[auth::StateKey("m.room.member", kCharlie)] = ban_id;
  std::vector<StateMap> sets{demoted, banned};
  Expected<StateMap> resolved = resolve_state(room.version(), sets, room);
  EXPECT_TRUE(resolved.has_value());
  EXPECT_EQ(at(*resolved, "m.room.power_levels"), room.event_id_for("pl-demote"));
  return *resolved;
}

TEST(ResolveV12, PowerEventsStartFromAnEmptyState) {
  TestRoom v11("11");
  EXPECT_EQ(at(stale_ban_resolution(v11), "m.room.member", kCharlie),
            v11.event_id_for("charlie-join"));
  TestRoom v12("12");
  EXPECT_EQ(at(stale_ban_resolution(v12), "m.room.member", kCharlie),
            v12.event_id_for("stale-ban"));
}

TEST(ResolveV12, ConflictedSubgraphHoldsPathsBetweenConflictedEvents) {
  TestRoom room("12");
  StateMap base = build_base_room(room);
  auto ids = [&](std::vector<std::string> names) {
    for (std::string& name : names) name = room.event_id_for(name);
    return names;
  };
  EventSpec c2 = topic("c2", kAlice, "two");
  c2.auth = ids({"alice-join", "pl0"});
  room.add(base, c2);
  EventSpec x = state("x", "m.room.name", kAlice, {{"name", "x"}});
  x.auth = ids({"alice-join", "pl0", "c2"});
  room.add(base, x);
  EventSpec c1 = topic("c1", kAlice, "one");
  c1.auth = ids({"alice-join", "pl0", "x"});
  room.add(base, c1);

  EventGraph graph(room);
  std::vector<NodeId> conflicted{*graph.node(room.event_id_for("c1")),
                                 *graph.node(room.event_id_for("c2"))};
  std::vector<std::string> got;
  for (NodeId id : conflicted_subgraph(graph, conflicted)) got.push_back(graph.pdu(id).event_id());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, ids({"c1", "c2", "x"}));
}

TEST(ResolveV12, CreatorsOutrankEveryFiniteLevel) {
  TestRoom v12("12");
  build_base_room(v12);
  EventGraph graph12(v12);
  EXPECT_TRUE(
      sender_power_level(graph12, *graph12.node(v12.event_id_for("join-rules"))).is_infinite());
  EXPECT_EQ(sender_power_level(graph12, *graph12.node(v12.event_id_for("bob-join"))),
            auth::PowerLevel(50));

  TestRoom v11("11");
  build_base_room(v11);
  EventGraph graph11(v11);
  EXPECT_EQ(sender_power_level(graph11, *graph11.node(v11.event_id_for("join-rules"))),
            auth::PowerLevel(100));
}

TEST(ResolveV12, CreateEventComesFromTheRoomId) {
  TestRoom room("12");
  build_base_room(room);
  EventGraph graph(room);
  NodeId join = *graph.node(room.event_id_for("bob-join"));
  // v12 auth events do not list the create event.
  EXPECT_FALSE(graph.auth_event_of_type(join, "m.room.create"));
  std::optional<NodeId> create = graph.create_event_for(join);
  ASSERT_TRUE(create);
  EXPECT_EQ(graph.pdu(*create).event_id(), room.event_id_for("create"));
}

}  // namespace
}  // namespace myelin::state_res
