#pragma once

#include <span>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/event_source.hpp"
#include "protocol/state_res/state_map.hpp"

namespace myelin::state_res {

// State resolution v2 (spec /rooms/v2 "State resolution", rooms v2–v11) and, when
// version.state_res is kV21, its v12 form (spec /rooms/v12): the iterative auth checks of the
// power events start from an empty state, and the full conflicted set also holds the
// conflicted state subgraph. Fails when an event of a state set is unknown to `events`.
Expected<StateMap> resolve_v2(const RoomVersion& version, std::span<const StateMap> state_sets,
                              const EventSource& events);

}  // namespace myelin::state_res
