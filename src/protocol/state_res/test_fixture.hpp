#pragma once

// Test support (header only): the room most state resolution scenarios start from.

#include <initializer_list>
#include <string>
#include <utility>

#include "protocol/state_res/test_room.hpp"

namespace myelin::state_res::testing {

inline const std::string kAlice = "@alice:example.com";  // creator, 100 (infinite from v12)
inline const std::string kBob = "@bob:example.com";      // moderator, 50
inline const std::string kCharlie = "@charlie:example.com";
inline const std::string kDave = "@dave:example.com";

inline EventSpec member(std::string name, const std::string& sender, const std::string& target,
                        const std::string& membership) {
  EventSpec spec;
  spec.name = std::move(name);
  spec.type = "m.room.member";
  spec.sender = sender;
  spec.state_key = target;
  spec.content = {{"membership", membership}};
  return spec;
}

inline EventSpec state(std::string name, std::string type, const std::string& sender,
                       boost::json::object content, std::string state_key = "") {
  EventSpec spec;
  spec.name = std::move(name);
  spec.type = std::move(type);
  spec.sender = sender;
  spec.state_key = std::move(state_key);
  spec.content = std::move(content);
  return spec;
}

// m.room.power_levels content giving `users` their levels. From v12 the creators may not be
// listed (they are infinite), so the creator's entry is dropped there.
inline boost::json::object power_levels_content(
    const TestRoom& room, std::initializer_list<std::pair<std::string, int>> users) {
  boost::json::object levels;
  for (const auto& [user, level] : users) {
    if (room.version().privileged_creators && user == kAlice) continue;
    levels[user] = level;
  }
  return {{"users", levels}};
}

inline EventSpec power_levels(std::string name, const TestRoom& room, const std::string& sender,
                              std::initializer_list<std::pair<std::string, int>> users) {
  return state(std::move(name), "m.room.power_levels", sender, power_levels_content(room, users));
}

inline EventSpec topic(std::string name, const std::string& sender, std::string text) {
  return state(std::move(name), "m.room.topic", sender, {{"topic", std::move(text)}});
}

// create (Alice), Alice joins, power levels (Alice 100, Bob 50), public join rules, Bob and
// Charlie join. Returns the state after.
inline StateMap build_base_room(TestRoom& room) {
  StateMap s;
  s = room.add_state(s, state("create", "m.room.create", kAlice,
                              {{"creator", kAlice}, {"room_version", room.version().id}}));
  s = room.add_state(s, member("alice-join", kAlice, kAlice, "join"));
  s = room.add_state(s, power_levels("pl0", room, kAlice, {{kAlice, 100}, {kBob, 50}}));
  s = room.add_state(s,
                     state("join-rules", "m.room.join_rules", kAlice, {{"join_rule", "public"}}));
  s = room.add_state(s, member("bob-join", kBob, kBob, "join"));
  s = room.add_state(s, member("charlie-join", kCharlie, kCharlie, "join"));
  return s;
}

// The event ID holding (type, state_key) in `state`, or "" when the slot is empty.
inline std::string at(const StateMap& state, const std::string& type,
                      const std::string& state_key = "") {
  auto it = state.find(auth::StateKey(type, state_key));
  return it == state.end() ? std::string() : it->second;
}

}  // namespace myelin::state_res::testing
