#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/state_res/event_graph.hpp"
#include "protocol/state_res/mainline_ordering.hpp"
#include "protocol/state_res/power_ordering.hpp"
#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

class Ordering : public ::testing::Test {
 protected:
  Ordering() : room_("10"), base_(build_base_room(room_)), graph_(room_) {}

  NodeId node(const std::string& name) { return *graph_.node(room_.event_id_for(name)); }
  std::vector<std::string> names(const std::vector<NodeId>& order) {
    std::vector<std::string> out;
    for (NodeId id : order) out.push_back(graph_.pdu(id).event_id().substr(1));
    return out;
  }
  // An event with the given auth events and timestamp.
  void add(const std::string& name, const std::string& sender, std::vector<std::string> auth,
           std::int64_t ts, std::string type = "m.room.topic") {
    EventSpec spec = state(name, std::move(type), sender, {{"topic", name}});
    for (std::string& a : auth) a = room_.event_id_for(a);
    spec.auth = std::move(auth);
    spec.ts = ts;
    room_.add(base_, spec);
  }

  TestRoom room_;
  StateMap base_;
  EventGraph graph_;
};

TEST_F(Ordering, MainlinePositionThenTimestampThenId) {
  // Mainline from pl2: pl2 (0) → pl1 (1) → pl0 (2).
  room_.add(base_, power_levels("pl1", room_, kAlice, {{kAlice, 100}}));
  add("pl2", kAlice, {"create", "alice-join", "pl1"}, 50, "m.room.power_levels");
  add("pl-side", kAlice, {"create", "alice-join", "pl0"}, 51, "m.room.power_levels");
  add("t-on-pl2", kAlice, {"create", "alice-join", "pl2"}, 1);
  add("t-on-pl0-late", kAlice, {"create", "alice-join", "pl0"}, 5);
  add("t-on-pl1", kAlice, {"create", "alice-join", "pl1"}, 3);
  add("t-no-pl", kAlice, {"create", "alice-join"}, 9);
  add("t-on-pl0-early", kAlice, {"create", "alice-join", "pl0"}, 2);
  add("t-on-side", kAlice, {"create", "alice-join", "pl-side"}, 2);  // pl-side → pl0: 2
  std::vector<NodeId> events{node("t-on-pl2"), node("t-on-pl0-late"),  node("t-on-pl1"),
                             node("t-no-pl"),  node("t-on-pl0-early"), node("t-on-side")};
  EXPECT_EQ(names(mainline_order(graph_, events, node("pl2"))),
            (std::vector<std::string>{"t-no-pl", "t-on-pl0-early", "t-on-side", "t-on-pl0-late",
                                      "t-on-pl1", "t-on-pl2"}));
  // Without power levels every position is the sentinel: timestamp, then ID.
  EXPECT_EQ(names(mainline_order(graph_, events, std::nullopt)),
            (std::vector<std::string>{"t-on-pl2", "t-on-pl0-early", "t-on-side", "t-on-pl1",
                                      "t-on-pl0-late", "t-no-pl"}));
}

TEST_F(Ordering, PowerEventClassification) {
  EXPECT_TRUE(is_power_event(room_.event(base_.at({"m.room.power_levels", ""}))));
  EXPECT_TRUE(is_power_event(room_.event(base_.at({"m.room.join_rules", ""}))));
  EXPECT_FALSE(is_power_event(room_.event(base_.at({"m.room.member", kBob}))));
  room_.add(base_, member("kick", kBob, kCharlie, "leave"));
  room_.add(base_, member("self-leave", kCharlie, kCharlie, "leave"));
  room_.add(base_, member("ban", kBob, kCharlie, "ban"));
  room_.add(base_, topic("t", kAlice, "x"));
  EXPECT_TRUE(is_power_event(room_.event(room_.event_id_for("kick"))));
  EXPECT_FALSE(is_power_event(room_.event(room_.event_id_for("self-leave"))));
  EXPECT_TRUE(is_power_event(room_.event(room_.event_id_for("ban"))));
  EXPECT_FALSE(is_power_event(room_.event(room_.event_id_for("t"))));
}

TEST_F(Ordering, SenderPowerComesFromTheAuthEvents) {
  EXPECT_EQ(sender_power_level(graph_, node("bob-join")), auth::PowerLevel(50));
  EXPECT_EQ(sender_power_level(graph_, node("charlie-join")), auth::PowerLevel(0));
  EXPECT_EQ(sender_power_level(graph_, node("pl0")), auth::PowerLevel(100));  // creator default
  add("no-pl", kBob, {"create"}, 1);
  EXPECT_EQ(sender_power_level(graph_, node("no-pl")), auth::PowerLevel(0));
}

TEST_F(Ordering, ReverseTopologicalPowerOrder) {
  // a (Bob, 50) precedes its descendant c (Alice, 100) despite the power; among ready events
  // higher power, then lower timestamp, then lower ID go first.
  add("a", kBob, {"create", "pl0", "bob-join"}, 10);
  add("c", kAlice, {"create", "pl0", "alice-join", "a"}, 1);
  add("b", kAlice, {"create", "pl0", "alice-join"}, 20);
  add("d", kBob, {"create", "pl0", "bob-join"}, 10);
  add("e", kCharlie, {"create", "pl0", "charlie-join"}, 0);
  // Path through an event outside the set: f → x → a.
  add("x", kBob, {"create", "pl0", "bob-join", "a"}, 10);
  add("f", kAlice, {"create", "pl0", "alice-join", "x"}, 0);
  std::vector<NodeId> set{node("f"), node("e"), node("d"), node("c"), node("b"), node("a")};
  EXPECT_EQ(names(reverse_topological_power_order(graph_, set)),
            (std::vector<std::string>{"b", "a", "f", "c", "d", "e"}));
}

}  // namespace
}  // namespace myelin::state_res
