#pragma once

#include <span>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/event_source.hpp"
#include "protocol/state_res/state_map.hpp"

namespace myelin::state_res {

// State resolution v1 (spec /rooms/v1 "State resolution"). A conflict is a slot two sets give
// different events; a slot only some sets have is not one. Conflicts are resolved in passes —
// m.room.power_levels, then m.room.join_rules, then m.room.member, then the rest — each slot
// against the state resolved so far. Fails when a conflicted event is unknown to `events`.
Expected<StateMap> resolve_v1(const RoomVersion& version, std::span<const StateMap> state_sets,
                              const EventSource& events);

}  // namespace myelin::state_res
