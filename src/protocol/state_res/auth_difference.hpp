#pragma once

#include <span>
#include <vector>

#include "protocol/state_res/event_graph.hpp"

namespace myelin::state_res {

// The auth difference (spec /rooms/v2): ∪Cᵢ − ∩Cᵢ, where Cᵢ is the full auth chain of state
// set i. Cᵢ here holds the set's own events as well as their auth chains, as the reference
// implementation (Synapse) computes it: an event that is itself in every state set is then
// never part of the difference. Each set is one walk over the auth DAG, so a 10,000-member room
// costs a few passes over its events, not a chain per member. Sorted by NodeId.
std::vector<NodeId> auth_difference(EventGraph& graph,
                                    std::span<const std::vector<NodeId>> state_sets);

// v12's conflicted state subgraph: every event on an auth_events path between two events of
// `conflicted` (endpoints included). Sorted by NodeId.
std::vector<NodeId> conflicted_subgraph(EventGraph& graph, std::span<const NodeId> conflicted);

}  // namespace myelin::state_res
