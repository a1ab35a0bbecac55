#include "protocol/state_res/chain_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

class ChainIndexTest : public ::testing::Test {
 protected:
  ChainIndexTest() : room_("10"), base_(build_base_room(room_)) {}

  // A topic event with exactly these auth events (by name).
  void add(const std::string& name, const std::vector<std::string>& auth) {
    EventSpec spec = topic(name, kAlice, name);
    spec.auth = std::vector<std::string>();
    for (const std::string& a : auth) spec.auth->push_back(room_.event_id_for(a));
    room_.add(base_, spec);
  }
  std::vector<std::string> names(EventGraph& graph, const std::vector<NodeId>& ids) {
    std::vector<std::string> out;
    for (NodeId id : ids) out.push_back(graph.pdu(id).event_id().substr(1));
    return out;
  }

  TestRoom room_;
  StateMap base_;
};

TEST_F(ChainIndexTest, KeepsOnlyChosenAncestors) {
  add("a", {"create"});
  add("b", {"a"});
  add("c", {"b", "create"});
  EventGraph graph(room_);
  NodeId a = *graph.node(room_.event_id_for("a"));
  NodeId create = *graph.node(room_.event_id_for("create"));
  NodeId c = *graph.node(room_.event_id_for("c"));
  std::vector<NodeId> chosen{a, create, c};
  ChainIndex chains(graph, chosen);
  std::vector<std::string> got = names(graph, chains.chosen_ancestors(c));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a", "create"}));  // not c itself, not b
  EXPECT_TRUE(chains.chosen(a));
  EXPECT_FALSE(chains.chosen(*graph.node(room_.event_id_for("b"))));
}

TEST_F(ChainIndexTest, DeepHistoryNeedsNoRecursion) {
  constexpr int kDepth = 20000;
  add("h0", {"create"});
  for (int i = 1; i < kDepth; ++i) add("h" + std::to_string(i), {"h" + std::to_string(i - 1)});
  EventGraph graph(room_);
  std::vector<NodeId> chosen{*graph.node(room_.event_id_for("h0")),
                             *graph.node(room_.event_id_for("h10000"))};
  ChainIndex chains(graph, chosen);
  NodeId last = *graph.node(room_.event_id_for("h" + std::to_string(kDepth - 1)));
  EXPECT_EQ(chains.chosen_ancestors(last).size(), 2u);
}

TEST_F(ChainIndexTest, ForgedCycleTerminates) {
  // x and y name each other as auth events (impossible with real hashes, possible in input).
  EventSpec x = topic("x", kAlice, "x");
  x.auth = std::vector<std::string>{room_.event_id_for("y")};
  room_.add(base_, x);
  EventSpec y = topic("y", kAlice, "y");
  y.auth = std::vector<std::string>{room_.event_id_for("x")};
  room_.add(base_, y);
  EventGraph graph(room_);
  NodeId xn = *graph.node(room_.event_id_for("x"));
  NodeId yn = *graph.node(room_.event_id_for("y"));
  std::vector<NodeId> chosen{xn, yn};
  ChainIndex chains(graph, chosen);
  EXPECT_FALSE(chains.chosen_ancestors(xn).empty());
}

}  // namespace
}  // namespace myelin::state_res
