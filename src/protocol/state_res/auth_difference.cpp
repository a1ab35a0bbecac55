#include "protocol/state_res/auth_difference.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "protocol/state_res/chain_index.hpp"

namespace myelin::state_res {
namespace {

constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();

template <typename T>
void grow(std::vector<T>& v, std::size_t size, T fill) {
  if (v.size() < size) v.resize(size, fill);
}

}  // namespace

std::vector<NodeId> auth_difference(EventGraph& graph,
                                    std::span<const std::vector<NodeId>> state_sets) {
  // reached[n]: in how many sets' chains n is; last_set[n]: the last set that reached it.
  std::vector<std::uint32_t> reached;
  std::vector<std::uint32_t> last_set;
  std::vector<NodeId> touched;
  std::vector<NodeId> stack;
  for (std::uint32_t set = 0; set < state_sets.size(); ++set) {
    stack.assign(state_sets[set].begin(), state_sets[set].end());
    while (!stack.empty()) {
      NodeId id = stack.back();
      stack.pop_back();
      grow(reached, graph.size(), 0u);
      grow(last_set, graph.size(), kNever);
      if (last_set[id] == set) continue;
      last_set[id] = set;
      if (reached[id]++ == 0) touched.push_back(id);
      for (NodeId auth : graph.auth_events(id)) stack.push_back(auth);
    }
  }
  std::vector<NodeId> difference;
  for (NodeId id : touched) {
    if (reached[id] < state_sets.size()) difference.push_back(id);
  }
  std::sort(difference.begin(), difference.end());
  return difference;
}

std::vector<NodeId> conflicted_subgraph(EventGraph& graph, std::span<const NodeId> conflicted) {
  // An event lies on a path between two conflicted events when it is one, or when it is
  // reachable from one and has one in its own auth chain.
  ChainIndex chains(graph, conflicted);
  std::vector<NodeId> subgraph(conflicted.begin(), conflicted.end());
  std::vector<char> seen;
  std::vector<NodeId> stack;
  for (NodeId id : conflicted) {
    for (NodeId auth : graph.auth_events(id)) stack.push_back(auth);
  }
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    grow(seen, graph.size(), char{0});
    if (seen[id]) continue;
    seen[id] = 1;
    if (!chains.chosen(id) && !chains.chosen_ancestors(id).empty()) subgraph.push_back(id);
    for (NodeId auth : graph.auth_events(id)) stack.push_back(auth);
  }
  std::sort(subgraph.begin(), subgraph.end());
  subgraph.erase(std::unique(subgraph.begin(), subgraph.end()), subgraph.end());
  return subgraph;
}

}  // namespace myelin::state_res
