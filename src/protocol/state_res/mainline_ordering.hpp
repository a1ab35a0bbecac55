#pragma once

#include <optional>
#include <span>
#include <vector>

#include "protocol/state_res/event_graph.hpp"

namespace myelin::state_res {

// The mainline ordering of `events` based on the m.room.power_levels event `power_levels`
// (spec /rooms/v2 "Mainline ordering"): events whose power-levels ancestry meets the mainline
// further back come first, then lower origin_server_ts, then lower event ID. Without a power
// levels event every position is the "infinity" sentinel.
std::vector<NodeId> mainline_order(EventGraph& graph, std::span<const NodeId> events,
                                   std::optional<NodeId> power_levels);

}  // namespace myelin::state_res
