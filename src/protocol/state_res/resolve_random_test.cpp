#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "protocol/auth/auth_rules.hpp"
#include "protocol/state_res/resolve.hpp"
#include "protocol/state_res/test_fixture.hpp"

namespace myelin::state_res {
namespace {

using namespace testing;

// Randomised rooms: several branches of one room grow events that pass the auth rules against
// their branch's state, and now and then one branch merges another by resolution. The
// resolution of the final branches must not depend on their order and must keep every slot
// they all agree on.
class RandomRoom {
 public:
  RandomRoom(const char* version, unsigned seed) : room_(version), rng_(seed) {
    StateMap base = build_base_room(room_);
    base = room_.add_state(base, member("dave-join", kDave, kDave, "join"));
    users_ = {kAlice, kBob, kCharlie, kDave};
    for (int i = 0; i < 3; ++i) branches_.push_back({base, {room_.event_id_for("dave-join")}});
  }

  const TestRoom& room() const { return room_; }

  std::vector<StateMap> grow(int steps) {
    for (int step = 0; step < steps; ++step) {
      std::size_t b = pick(branches_.size());
      if (pick(6) == 0) {
        merge(b, pick(branches_.size()));
      } else {
        add_event(b, step);
      }
    }
    std::vector<StateMap> sets;
    for (const Branch& branch : branches_) sets.push_back(branch.state);
    return sets;
  }

 private:
  struct Branch {
    StateMap state;
    std::vector<std::string> heads;
  };

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  const std::string& user() { return users_[pick(users_.size())]; }

  void merge(std::size_t into, std::size_t from) {
    if (into == from) return;
    std::vector<StateMap> sets{branches_[into].state, branches_[from].state};
    Expected<StateMap> resolved = resolve_state(room_.version(), sets, room_);
    ASSERT_TRUE(resolved.has_value()) << resolved.error();
    branches_[into].state = std::move(*resolved);
    for (const std::string& head : branches_[from].heads) branches_[into].heads.push_back(head);
  }

  EventSpec random_event(int step) {
    std::string name = "e" + std::to_string(step);
    switch (pick(5)) {
      case 0:
        return topic(name, user(), name);
      case 1: {
        const std::string& target = user();
        static const char* kMemberships[] = {"join", "leave", "ban", "invite"};
        return member(name, pick(2) ? target : user(), target, kMemberships[pick(4)]);
      }
      case 2: {
        int bob = pick(2) ? 50 : 0;
        int charlie = pick(2) ? 50 : 0;
        return power_levels(name, room_, pick(3) ? kAlice : kBob,
                            {{kAlice, 100}, {kBob, bob}, {kCharlie, charlie}});
      }
      case 3:
        return state(name, "m.room.join_rules", user(),
                     {{"join_rule", pick(2) ? "public" : "invite"}});
      default:
        return state(name, "m.room.name", user(), {{"name", name}});
    }
  }

  void add_event(std::size_t b, int step) {
    Branch& branch = branches_[b];
    EventSpec spec = random_event(step);
    spec.prev = branch.heads;
    spec.ts = 2000 + static_cast<std::int64_t>(pick(4));  // coarse clocks: ties happen
    std::string id = room_.add(branch.state, spec);
    const events::Pdu& event = room_.event(id);
    auth::AuthState auth_state;
    for (const std::string& auth_id : event.auth_events()) {
      const events::Pdu& a = room_.event(auth_id);
      auth_state.emplace(auth::StateKey(a.type(), *a.state_key()), &a);
    }
    if (room_.version().room_id_is_create_event_hash) {
      const events::Pdu& create = room_.event(room_.event_id_for("create"));
      auth_state.emplace(auth::StateKey("m.room.create", ""), &create);
    }
    if (!auth::check_auth(event, auth_state)) return;  // a server would reject it
    branch.state[auth::StateKey(event.type(), *event.state_key())] = id;
    branch.heads = {id};
  }

  TestRoom room_;
  std::mt19937 rng_;
  std::vector<std::string> users_;
  std::vector<Branch> branches_;
};

class ResolveRandom : public ::testing::TestWithParam<const char*> {};

TEST_P(ResolveRandom, OrderIndependentAndKeepsAgreedSlots) {
  int conflicted_runs = 0;
  for (unsigned seed = 1; seed <= 25; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomRoom generator(GetParam(), seed);
    std::vector<StateMap> sets = generator.grow(60);
    const TestRoom& room = generator.room();
    if (!std::all_of(sets.begin(), sets.end(), [&](const StateMap& s) { return s == sets[0]; })) {
      ++conflicted_runs;
    }

    Expected<StateMap> first = resolve_state(room.version(), sets, room);
    ASSERT_TRUE(first.has_value()) << first.error();
    std::vector<std::size_t> order(sets.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    while (std::next_permutation(order.begin(), order.end())) {
      std::vector<StateMap> permuted;
      for (std::size_t i : order) permuted.push_back(sets[i]);
      Expected<StateMap> again = resolve_state(room.version(), permuted, room);
      ASSERT_TRUE(again.has_value());
      ASSERT_EQ(*again, *first);
    }
    for (const auto& [key, event_id] : sets.front()) {
      bool agreed = std::all_of(sets.begin(), sets.end(), [&](const StateMap& s) {
        auto it = s.find(key);
        return it != s.end() && it->second == event_id;
      });
      if (agreed) {
        EXPECT_EQ(first->at(key), event_id);
      }
    }
    for (const auto& [key, event_id] : *first) {
      const events::Pdu& event = room.event(event_id);
      EXPECT_EQ(auth::StateKey(event.type(), *event.state_key()), key);
    }
  }
  // The generator must actually produce forks for the test to mean anything.
  EXPECT_GE(conflicted_runs, 20);
}

INSTANTIATE_TEST_SUITE_P(Versions, ResolveRandom, ::testing::Values("1", "2", "10", "12"));

}  // namespace
}  // namespace myelin::state_res
