#pragma once

#include <span>

#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/event_graph.hpp"
#include "protocol/state_res/working_state.hpp"

namespace myelin::state_res {

// The iterative auth checks (spec /rooms/v2): each event in turn is checked by the auth rules
// against its auth events overlaid with `state`'s entries for the slots the event's auth needs
// (auth::auth_types_for_event), and enters `state` when allowed. Events the source reports as
// rejected are never used as auth events. From v12 the create event, which auth_events no
// longer lists, is taken from the room ID.
void iterative_auth_checks(const RoomVersion& version, EventGraph& graph,
                           std::span<const NodeId> events, WorkingState& state);

}  // namespace myelin::state_res
