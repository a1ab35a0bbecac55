#include <gtest/gtest.h>

#include <vector>

#include "protocol/state_res/resolve.hpp"
#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

EventSpec after(EventSpec spec, std::vector<std::string> prev) {
  spec.prev = std::move(prev);
  return spec;
}

// Scenarios of spec /rooms/v2 state resolution, for v2-family versions and v12.
class ResolveV2 : public ::testing::TestWithParam<const char*> {
 protected:
  ResolveV2() : room_(GetParam()), base_(build_base_room(room_)) {
    fork_point_ = room_.event_id_for("charlie-join");
  }

  // Resolves both orders of the two sets and checks they agree.
  StateMap resolve(const StateMap& a, const StateMap& b) {
    std::vector<StateMap> sets{a, b};
    Expected<StateMap> forward = resolve_state(room_.version(), sets, room_);
    EXPECT_TRUE(forward.has_value()) << forward.error();
    std::vector<StateMap> reversed{b, a};
    Expected<StateMap> backward = resolve_state(room_.version(), reversed, room_);
    EXPECT_TRUE(backward.has_value());
    EXPECT_EQ(*forward, *backward);
    return *forward;
  }

  TestRoom room_;
  StateMap base_;
  std::string fork_point_;
};

TEST_P(ResolveV2, BanLosesToConcurrentDemotionOfTheBanner) {
  StateMap demoted = room_.add_state(
      base_,
      after(power_levels("pl-demote", room_, kAlice, {{kAlice, 100}, {kBob, 0}}), {fork_point_}));
  StateMap banned =
      room_.add_state(base_, after(member("ban", kBob, kCharlie, "ban"), {fork_point_}));
  StateMap resolved = resolve(demoted, banned);
  EXPECT_EQ(at(resolved, "m.room.power_levels"), room_.event_id_for("pl-demote"));
  EXPECT_EQ(at(resolved, "m.room.member", kCharlie), room_.event_id_for("charlie-join"));
}

TEST_P(ResolveV2, BanStandsWithoutTheDemotion) {
  StateMap topic_set = room_.add_state(base_, after(topic("t", kAlice, "hi"), {fork_point_}));
  StateMap banned =
      room_.add_state(base_, after(member("ban", kBob, kCharlie, "ban"), {fork_point_}));
  StateMap resolved = resolve(topic_set, banned);
  EXPECT_EQ(at(resolved, "m.room.member", kCharlie), room_.event_id_for("ban"));
  EXPECT_EQ(at(resolved, "m.room.topic"), room_.event_id_for("t"));
}

TEST_P(ResolveV2, RejectedEventsAreNotUsedAsAuthEvents) {
  StateMap topic_set = room_.add_state(base_, after(topic("t", kAlice, "hi"), {fork_point_}));
  StateMap banned =
      room_.add_state(base_, after(member("ban", kBob, kCharlie, "ban"), {fork_point_}));
  // Without Bob's join (rejected), Bob is not in the room and cannot ban.
  room_.reject(room_.event_id_for("bob-join"));
  StateMap resolved = resolve(topic_set, banned);
  EXPECT_EQ(at(resolved, "m.room.member", kCharlie), room_.event_id_for("charlie-join"));
}

TEST_P(ResolveV2, TopicByDemotedUserIsReset) {
  StateMap with_topic = room_.add_state(base_, topic("topic0", kAlice, "old"));
  std::string fork = room_.event_id_for("topic0");
  StateMap demoted = room_.add_state(
      with_topic,
      after(power_levels("pl-demote", room_, kAlice, {{kAlice, 100}, {kBob, 0}}), {fork}));
  StateMap bob_topic = room_.add_state(with_topic, after(topic("topic1", kBob, "new"), {fork}));
  StateMap resolved = resolve(demoted, bob_topic);
  EXPECT_EQ(at(resolved, "m.room.power_levels"), room_.event_id_for("pl-demote"));
  EXPECT_EQ(at(resolved, "m.room.topic"), fork);
}

TEST_P(ResolveV2, LaterTopicWinsWhenBothAreAllowed) {
  StateMap with_topic = room_.add_state(base_, topic("topic0", kAlice, "old"));
  std::string fork = room_.event_id_for("topic0");
  StateMap alice = room_.add_state(with_topic, after(topic("topic1", kAlice, "a"), {fork}));
  StateMap bob = room_.add_state(with_topic, after(topic("topic2", kBob, "b"), {fork}));
  EXPECT_EQ(at(resolve(alice, bob), "m.room.topic"), room_.event_id_for("topic2"));
}

TEST_P(ResolveV2, JoinLosesToConcurrentInviteOnlyRule) {
  StateMap closed = room_.add_state(
      base_, after(state("jr-invite", "m.room.join_rules", kAlice, {{"join_rule", "invite"}}),
                   {fork_point_}));
  StateMap joined =
      room_.add_state(base_, after(member("dave-join", kDave, kDave, "join"), {fork_point_}));
  StateMap resolved = resolve(closed, joined);
  EXPECT_EQ(at(resolved, "m.room.join_rules"), room_.event_id_for("jr-invite"));
  EXPECT_EQ(at(resolved, "m.room.member", kDave), "");
}

TEST_P(ResolveV2, JoinStandsWhenTheRoomStaysPublic) {
  StateMap topic_set = room_.add_state(base_, after(topic("t", kAlice, "x"), {fork_point_}));
  StateMap joined =
      room_.add_state(base_, after(member("dave-join", kDave, kDave, "join"), {fork_point_}));
  EXPECT_EQ(at(resolve(topic_set, joined), "m.room.member", kDave),
            room_.event_id_for("dave-join"));
}

TEST_P(ResolveV2, PowerLevelPingPongHigherSenderWins) {
  // Bob (50) promotes Charlie while Alice (100) demotes Bob; Bob's change is sent first.
  EventSpec bob_pl =
      power_levels("pl-bob", room_, kBob, {{kAlice, 100}, {kBob, 50}, {kCharlie, 50}});
  bob_pl.ts = 1;
  StateMap bob = room_.add_state(base_, after(bob_pl, {fork_point_}));
  EventSpec alice_pl = power_levels("pl-alice", room_, kAlice, {{kAlice, 100}, {kBob, 0}});
  alice_pl.ts = 999999;
  StateMap alice = room_.add_state(base_, after(alice_pl, {fork_point_}));
  StateMap resolved = resolve(bob, alice);
  EXPECT_EQ(at(resolved, "m.room.power_levels"), room_.event_id_for("pl-alice"));

  // Next round: Alice restores Bob from the resolved state, Bob tries again from his fork.
  std::vector<std::string> heads{room_.event_id_for("pl-bob"), room_.event_id_for("pl-alice")};
  StateMap restored = room_.add_state(
      resolved,
      after(power_levels("pl-restore", room_, kAlice, {{kAlice, 100}, {kBob, 50}}), heads));
  StateMap bob_again = room_.add_state(
      bob, after(power_levels("pl-bob2", room_, kBob,
                              {{kAlice, 100}, {kBob, 50}, {kCharlie, 50}, {kDave, 50}}),
                 {room_.event_id_for("pl-bob")}));
  StateMap round2 = resolve(restored, bob_again);
  // Once Alice restores Bob, his stale pl-bob is allowed again (reverse topological order puts
  // it after pl-restore) and pl-bob2 on top of it too.
  EXPECT_EQ(at(round2, "m.room.power_levels"), room_.event_id_for("pl-bob2"));
}

TEST_P(ResolveV2, MainlineDecidesBeforeTimestamps) {
  StateMap newer = room_.add_state(
      base_, after(power_levels("pl1", room_, kAlice, {{kAlice, 100}, {kBob, 50}, {kDave, 1}}),
                   {fork_point_}));
  EventSpec recent_base = topic("topic-on-pl1", kAlice, "a");
  recent_base.ts = 100;
  StateMap a = room_.add_state(newer, recent_base);
  EventSpec old_base = topic("topic-on-pl0", kAlice, "b");
  old_base.ts = 200;  // later timestamp, but authorised by the older power levels
  StateMap b = room_.add_state(base_, after(old_base, {fork_point_}));
  StateMap resolved = resolve(a, b);
  EXPECT_EQ(at(resolved, "m.room.power_levels"), room_.event_id_for("pl1"));
  EXPECT_EQ(at(resolved, "m.room.topic"), room_.event_id_for("topic-on-pl1"));
}

TEST_P(ResolveV2, UnconflictedStatePassesThrough) {
  StateMap a = room_.add_state(base_, after(topic("t", kAlice, "x"), {fork_point_}));
  StateMap b = room_.add_state(
      base_, after(state("name", "m.room.name", kBob, {{"name", "n"}}), {fork_point_}));
  StateMap resolved = resolve(a, b);
  for (const auto& [key, event_id] : base_) EXPECT_EQ(resolved.at(key), event_id);
  EXPECT_EQ(at(resolved, "m.room.topic"), room_.event_id_for("t"));
  EXPECT_EQ(at(resolved, "m.room.name"), room_.event_id_for("name"));
  EXPECT_EQ(resolved.size(), base_.size() + 2);
}

TEST_P(ResolveV2, SingleAndIdenticalSetsResolveToThemselves) {
  std::vector<StateMap> one{base_};
  EXPECT_EQ(*resolve_state(room_.version(), one, room_), base_);
  EXPECT_EQ(resolve(base_, base_), base_);
  std::vector<StateMap> none;
  EXPECT_TRUE(resolve_state(room_.version(), none, room_)->empty());
}

TEST_P(ResolveV2, UnknownEventIsAnError) {
  StateMap broken = base_;
  broken[auth::StateKey("m.room.topic", "")] = "$missing";
  std::vector<StateMap> sets{base_, broken};
  EXPECT_FALSE(resolve_state(room_.version(), sets, room_).has_value());
}

INSTANTIATE_TEST_SUITE_P(Versions, ResolveV2, ::testing::Values("2", "3", "6", "10", "11", "12"));

}  // namespace
}  // namespace myelin::state_res
