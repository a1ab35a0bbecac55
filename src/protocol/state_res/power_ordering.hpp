#pragma once

#include <map>
#include <span>
#include <utility>
#include <vector>

#include "protocol/auth/power_level.hpp"
#include "protocol/auth/power_levels.hpp"
#include "protocol/state_res/event_graph.hpp"

namespace myelin::state_res {

// Whether the event is a power event (spec /rooms/v2 "Power events"): a state event of type
// m.room.power_levels or m.room.join_rules, or an m.room.member leave or ban whose sender is not
// its state_key (a kick or a ban): events that may take someone's abilities away.
bool is_power_event(const events::Pdu& event);

// The sender's power level "when looking at their auth_events": the m.room.power_levels among
// them, with the defaults and creator rules of auth::PowerLevels (the create event comes from the
// auth events, or from v12 the room ID; v12 creators rank above every finite level).
auth::PowerLevel sender_power_level(EventGraph& graph, NodeId event);

// The same with the effective power levels memoised by (power levels event, create event).
constexpr NodeId kNoNode = static_cast<NodeId>(-1);
using PowerLevelsCache = std::map<std::pair<NodeId, NodeId>, auth::PowerLevels>;
auth::PowerLevel sender_power_level(EventGraph& graph, NodeId event, PowerLevelsCache& cache);

// The reverse topological power ordering of `events` (spec /rooms/v2): Kahn's algorithm over the
// auth DAG restricted to `events` (x comes after every member of the set in its auth chain),
// choosing at each step the event whose sender has the highest power level, then the lowest
// origin_server_ts, then the lowest event ID. Earliest first.
std::vector<NodeId> reverse_topological_power_order(EventGraph& graph,
                                                    std::span<const NodeId> events);

}  // namespace myelin::state_res
