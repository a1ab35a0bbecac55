#include "protocol/state_res/resolve_v2.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "protocol/state_res/auth_difference.hpp"
#include "protocol/state_res/chain_index.hpp"
#include "protocol/state_res/conflict_split.hpp"
#include "protocol/state_res/event_graph.hpp"
#include "protocol/state_res/iterative_auth_checks.hpp"
#include "protocol/state_res/mainline_ordering.hpp"
#include "protocol/state_res/power_ordering.hpp"
#include "protocol/state_res/working_state.hpp"

namespace myelin::state_res {
namespace {

Expected<NodeId> load(EventGraph& graph, std::string_view event_id) {
  if (auto node = graph.node(event_id)) return *node;
  return fail("state resolution: unknown event " + std::string(event_id));
}

void sort_unique(std::vector<NodeId>& nodes) {
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
}

// Step 1's X: the power events of the full conflicted set, and the members of the full
// conflicted set in their auth chains.
std::vector<NodeId> power_events_and_ancestry(EventGraph& graph,
                                              const std::vector<NodeId>& full_conflicted) {
  ChainIndex chains(graph, full_conflicted);
  std::vector<NodeId> selected;
  for (NodeId id : full_conflicted) {
    if (!is_power_event(graph.pdu(id))) continue;
    selected.push_back(id);
    const std::vector<NodeId>& ancestors = chains.chosen_ancestors(id);
    selected.insert(selected.end(), ancestors.begin(), ancestors.end());
  }
  sort_unique(selected);
  return selected;
}

}  // namespace

Expected<StateMap> resolve_v2(const RoomVersion& version, std::span<const StateMap> state_sets,
                              const EventSource& events) {
  const bool v12 = version.state_res == StateResAlgorithm::kV21;
  ConflictSplit split = split_conflicts(state_sets);
  EventGraph graph(events);

  std::vector<std::vector<NodeId>> set_nodes(state_sets.size());
  for (std::size_t i = 0; i < state_sets.size(); ++i) {
    set_nodes[i].reserve(state_sets[i].size());
    for (const auto& entry : state_sets[i]) {
      Expected<NodeId> node = load(graph, entry.second);
      if (!node) return fail(node.error());
      set_nodes[i].push_back(*node);
    }
  }
  std::vector<NodeId> conflicted;
  conflicted.reserve(split.conflicted.size());
  for (std::string_view event_id : split.conflicted) conflicted.push_back(*graph.node(event_id));

  // Full conflicted set: conflicted ∪ auth difference (∪ conflicted subgraph from v12).
  std::vector<NodeId> full_conflicted = auth_difference(graph, set_nodes);
  full_conflicted.insert(full_conflicted.end(), conflicted.begin(), conflicted.end());
  if (v12) {
    std::vector<NodeId> subgraph = conflicted_subgraph(graph, conflicted);
    full_conflicted.insert(full_conflicted.end(), subgraph.begin(), subgraph.end());
  }
  sort_unique(full_conflicted);

  WorkingState unconflicted;
  unconflicted.reserve(split.unconflicted.size());
  for (const StateMap::value_type* entry : split.unconflicted) {
    unconflicted.emplace(KeyView(entry->first.first, entry->first.second),
                         *graph.node(entry->second));
  }

  // Steps 1–2: power events in reverse topological power order, checked from the unconflicted
  // state (v2–v11) or from nothing (v12).
  std::vector<NodeId> power = power_events_and_ancestry(graph, full_conflicted);
  std::vector<NodeId> power_order = reverse_topological_power_order(graph, power);
  WorkingState state = v12 ? WorkingState() : unconflicted;
  iterative_auth_checks(version, graph, power_order, state);

  // Steps 3–4: the rest in mainline order of the partially resolved power levels.
  std::vector<NodeId> rest;
  std::set_difference(full_conflicted.begin(), full_conflicted.end(), power.begin(), power.end(),
                      std::back_inserter(rest));
  std::optional<NodeId> power_levels;
  if (auto it = state.find(KeyView("m.room.power_levels", "")); it != state.end()) {
    power_levels = it->second;
  }
  std::vector<NodeId> rest_order = mainline_order(graph, rest, power_levels);
  iterative_auth_checks(version, graph, rest_order, state);

  // Step 5: the unconflicted state map wins.
  for (const auto& [key, node] : unconflicted) state.insert_or_assign(key, node);

  StateMap resolved;
  for (const auto& [key, node] : state) {
    resolved.emplace(auth::StateKey(key.first, key.second), graph.pdu(node).event_id());
  }
  return resolved;
}

}  // namespace myelin::state_res
