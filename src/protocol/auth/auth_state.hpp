#pragma once

#include <functional>
#include <map>
#include <string_view>

#include "protocol/auth/state_key.hpp"
#include "protocol/events/pdu.hpp"

namespace myelin::auth {

// The state an event is authorised against (its auth events, or the room's state before it, or
// the current state). The events are owned elsewhere; entries are never null.
using AuthState = std::map<StateKey, const events::Pdu*, std::less<>>;

// The event in `state` at (type, state_key), or nullptr.
inline const events::Pdu* find_state(const AuthState& state, std::string_view type,
                                     std::string_view state_key) {
  // std::less<> on pairs still needs a pair to compare against; the strings are short.
  auto it = state.find(StateKey(type, state_key));
  return it == state.end() ? nullptr : it->second;
}

}  // namespace myelin::auth
