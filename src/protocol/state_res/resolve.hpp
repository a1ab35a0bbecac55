#pragma once

#include <span>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/event_source.hpp"
#include "protocol/state_res/state_map.hpp"

namespace myelin::state_res {

// The resolution of a set of room states (the states after each prev_event of an event) under
// the room version's algorithm (RoomVersion::state_res): v1, v2, or v12's variant of v2. No sets
// resolve to the empty state and one set to itself. `events` must know every event of the sets
// and, for v2, their auth chains (auth events it does not know are left out of them).
Expected<StateMap> resolve_state(const RoomVersion& version, std::span<const StateMap> state_sets,
                                 const EventSource& events);

}  // namespace myelin::state_res
