#include <gtest/gtest.h>

#include <vector>

#include "protocol/crypto/sha1.hpp"
#include "protocol/state_res/resolve.hpp"
#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

// Room version 1's algorithm (spec /rooms/v1 "State resolution").
class ResolveV1 : public ::testing::Test {
 protected:
  ResolveV1() : room_("1"), base_(build_base_room(room_)) {
    fork_point_ = room_.event_id_for("charlie-join");
  }

  StateMap resolve(const StateMap& a, const StateMap& b) {
    std::vector<StateMap> sets{a, b};
    Expected<StateMap> forward = resolve_state(room_.version(), sets, room_);
    EXPECT_TRUE(forward.has_value()) << forward.error();
    std::vector<StateMap> reversed{b, a};
    EXPECT_EQ(*forward, *resolve_state(room_.version(), reversed, room_));
    return *forward;
  }

  // A state set forked from the base: `first` (depth 7), then optionally `second` (depth 8).
  StateMap fork(EventSpec first, std::optional<EventSpec> second = std::nullopt) {
    first.prev = {fork_point_};
    StateMap s = room_.add_state(base_, std::move(first));
    if (second) s = room_.add_state(s, std::move(*second));
    return s;
  }

  TestRoom room_;
  StateMap base_;
  std::string fork_point_;
};

TEST_F(ResolveV1, OtherEventsTakeTheHighestDepth) {
  EventSpec early = topic("t1", kAlice, "one");
  early.ts = 5000;
  EventSpec deep = topic("t2", kAlice, "two");
  deep.ts = 1;
  StateMap a = fork(early);
  StateMap b = fork(state("name", "m.room.name", kAlice, {{"name", "n"}}), deep);
  ASSERT_EQ(room_.event(room_.event_id_for("t2")).depth(), 8);
  EXPECT_EQ(at(resolve(a, b), "m.room.topic"), room_.event_id_for("t2"));
}

TEST_F(ResolveV1, DeeperPowerLevelsReplaceWhenAllowed) {
  StateMap a =
      fork(power_levels("pl-a", room_, kAlice, {{kAlice, 100}, {kBob, 50}, {kCharlie, 10}}));
  StateMap b = fork(state("name", "m.room.name", kAlice, {{"name", "n"}}),
                    power_levels("pl-b", room_, kAlice, {{kAlice, 100}, {kBob, 50}, {kDave, 10}}));
  EXPECT_EQ(at(resolve(a, b), "m.room.power_levels"), room_.event_id_for("pl-b"));
}

TEST_F(ResolveV1, DeeperPowerLevelsStopWhenNotAllowed) {
  StateMap a = fork(power_levels("pl-a", room_, kAlice, {{kAlice, 100}, {kBob, 0}}));
  StateMap b = fork(state("name", "m.room.name", kAlice, {{"name", "n"}}),
                    power_levels("pl-b", room_, kBob, {{kAlice, 100}, {kBob, 50}, {kCharlie, 50}}));
  EXPECT_EQ(at(resolve(a, b), "m.room.power_levels"), room_.event_id_for("pl-a"));
}

TEST_F(ResolveV1, MembershipAgainstResolvedState) {
  StateMap a = fork(member("ban", kBob, kCharlie, "ban"));
  EventSpec rejoin = member("charlie-rename", kCharlie, kCharlie, "join");
  rejoin.content["displayname"] = "C";
  StateMap b = fork(state("name", "m.room.name", kAlice, {{"name", "n"}}), rejoin);
  EXPECT_EQ(at(resolve(a, b), "m.room.member", kCharlie), room_.event_id_for("ban"));
}

TEST_F(ResolveV1, SlotsInOnlySomeSetsAreNotConflicts) {
  // v1's known weakness: Dave's join, only in one set, survives the invite-only rule.
  StateMap a = fork(state("jr-invite", "m.room.join_rules", kAlice, {{"join_rule", "invite"}}));
  StateMap b = fork(member("dave-join", kDave, kDave, "join"));
  StateMap resolved = resolve(a, b);
  EXPECT_EQ(at(resolved, "m.room.join_rules"), room_.event_id_for("jr-invite"));
  EXPECT_EQ(at(resolved, "m.room.member", kDave), room_.event_id_for("dave-join"));
  for (const auto& [key, event_id] : base_) {
    if (key.first != "m.room.join_rules") {
      EXPECT_EQ(resolved.at(key), event_id);
    }
  }
}

TEST_F(ResolveV1, EqualDepthTieBreaksOnSha1) {
  StateMap a = fork(topic("tx", kAlice, "x"));
  StateMap b = fork(topic("ty", kAlice, "y"));
  std::string x = room_.event_id_for("tx");
  std::string y = room_.event_id_for("ty");
  // Lowest sha1(event_id) wins among equal depths.
  std::string expected = crypto::sha1_hex(x) < crypto::sha1_hex(y) ? x : y;
  EXPECT_EQ(at(resolve(a, b), "m.room.topic"), expected);
}

}  // namespace
}  // namespace myelin::state_res
