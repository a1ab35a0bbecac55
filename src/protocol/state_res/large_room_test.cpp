#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/state_res/resolve.hpp"
#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

std::string user(int i) { return "@user" + std::to_string(i) + ":example.com"; }

// Adds the state event to `state` in place (a 10,000-entry copy per event would dominate).
void apply(TestRoom& room, StateMap& state, EventSpec spec) {
  std::string id = room.add(state, std::move(spec));
  const events::Pdu& event = room.event(id);
  state[auth::StateKey(event.type(), *event.state_key())] = id;
}

// A 10,000-member room forked into two branches of 100 state events each: Bob bans and kicks
// members on one, members leave, rename themselves and set topics on the other. Checks the
// outcome and prints how long resolution took (not a gate; see bench/ for figures).
TEST(LargeRoom, TenThousandMembersTwoHundredConflicts) {
  constexpr int kMembers = 10000;
  TestRoom room("10");
  StateMap base = build_base_room(room);
  for (int i = 0; i < kMembers; ++i)
    apply(room, base, member("join" + std::to_string(i), user(i), user(i), "join"));
  std::string fork = room.event_id_for("join" + std::to_string(kMembers - 1));

  StateMap a = base;
  StateMap b = base;
  for (int i = 0; i < 100; ++i) {
    EventSpec ban = member("ban" + std::to_string(i), kBob, user(i), i % 2 ? "ban" : "leave");
    if (i == 0) ban.prev = {fork};
    apply(room, a, ban);
  }
  for (int i = 0; i < 100; ++i) {
    int target = 50 + i;  // overlaps the banned/kicked members 50..99
    EventSpec rename = member("rename" + std::to_string(i), user(target), user(target), "join");
    rename.content["displayname"] = "member " + std::to_string(target);
    if (i == 0) rename.prev = {fork};
    apply(room, b, rename);
  }

  std::vector<StateMap> sets{a, b};
  auto start = std::chrono::steady_clock::now();
  Expected<StateMap> resolved = resolve_state(room.version(), sets, room);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(resolved.has_value()) << resolved.error();
  std::printf("resolved %zu-entry state in %.1f ms\n", resolved->size(),
              std::chrono::duration<double, std::milli>(elapsed).count());

  EXPECT_EQ(resolved->size(), base.size());
  // Bob's bans and kicks are power events from a moderator and are applied first. A concurrent
  // rename (a join) cannot undo a ban, but in this public room it re-joins a kicked member.
  for (int i = 0; i < 100; ++i) {
    bool rejoined = i >= 50 && i % 2 == 0;
    EXPECT_EQ(at(*resolved, "m.room.member", user(i)),
              room.event_id_for(rejoined ? "rename" + std::to_string(i - 50)
                                         : "ban" + std::to_string(i)));
  }
  for (int i = 100; i < 150; ++i) {
    EXPECT_EQ(at(*resolved, "m.room.member", user(i)),
              room.event_id_for("rename" + std::to_string(i - 50)));
  }
  EXPECT_EQ(at(*resolved, "m.room.member", user(5000)), room.event_id_for("join5000"));
}

}  // namespace
}  // namespace myelin::state_res
