#include "protocol/state_res/auth_difference.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

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
  std::vector<char> is_conflicted;
  for (NodeId id : conflicted) {
    graph.auth_chain(id);  // loads (and memoises) every ancestor
  }
  grow(is_conflicted, graph.size(), char{0});
  for (NodeId id : conflicted) is_conflicted[id] = 1;

  // Candidates: the conflicted events and everything reachable from them. A candidate lies on a
  // path between two conflicted events when it is one, or when its own auth chain holds one.
  std::vector<NodeId> candidates(conflicted.begin(), conflicted.end());
  for (NodeId id : conflicted) {
    const std::vector<NodeId>& chain = graph.auth_chain(id);
    candidates.insert(candidates.end(), chain.begin(), chain.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  std::vector<NodeId> subgraph;
  for (NodeId id : candidates) {
    if (is_conflicted[id]) {
      subgraph.push_back(id);
      continue;
    }
    const std::vector<NodeId>& chain = graph.auth_chain(id);
    if (std::any_of(chain.begin(), chain.end(), [&](NodeId a) { return is_conflicted[a]; })) {
      subgraph.push_back(id);
    }
  }
  return subgraph;
}

}  // namespace myelin::state_res
