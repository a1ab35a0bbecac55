#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "protocol/state_res/event_graph.hpp"

namespace myelin::state_res {

// A (type, state_key) slot viewed, not owned: the strings belong to the input state maps or to
// the events, both of which outlive a resolution.
using KeyView = std::pair<std::string_view, std::string_view>;

struct KeyViewHash {
  std::size_t operator()(const KeyView& key) const {
    std::size_t h = std::hash<std::string_view>{}(key.first);
    // Boost's hash_combine constant; type and state_key must not commute.
    return h ^ (std::hash<std::string_view>{}(key.second) + 0x9e3779b9 + (h << 6) + (h >> 2));
  }
};

// The state being built by a resolution: slot → event node.
using WorkingState = std::unordered_map<KeyView, NodeId, KeyViewHash>;

// The slot of a state event (the caller has checked that it has a state_key).
inline KeyView key_of(const events::Pdu& event) {
  return {event.type(),
          event.state_key() ? std::string_view(*event.state_key()) : std::string_view()};
}

}  // namespace myelin::state_res
