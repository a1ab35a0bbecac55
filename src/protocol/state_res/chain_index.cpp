#include "protocol/state_res/chain_index.hpp"

#include <algorithm>

namespace myelin::state_res {

ChainIndex::ChainIndex(EventGraph& graph, std::span<const NodeId> chosen) : graph_(graph) {
  grow();
  for (NodeId id : chosen) chosen_[id] = 1;
}

void ChainIndex::grow() {
  // The graph loads events lazily, so the per-node tables follow its size.
  std::size_t size = graph_.size();
  if (chosen_.size() >= size) return;
  chosen_.resize(size, 0);
  state_.resize(size, State::kNone);
  ancestors_.resize(size);
}

const std::vector<NodeId>& ChainIndex::chosen_ancestors(NodeId root) {
  // Iterative post-order walk: auth DAGs are far too deep for recursion.
  std::vector<NodeId> stack{root};
  while (!stack.empty()) {
    NodeId id = stack.back();
    grow();
    if (state_[id] == State::kDone) {
      stack.pop_back();
      continue;
    }
    if (state_[id] == State::kNone) {
      state_[id] = State::kInProgress;
      bool pending = false;
      for (NodeId auth : graph_.auth_events(id)) {
        grow();
        if (state_[auth] == State::kNone) {
          stack.push_back(auth);
          pending = true;
        }
      }
      if (pending) continue;
    }
    stack.pop_back();
    finish(id);
  }
  return ancestors_[root];
}

void ChainIndex::finish(NodeId id) {
  std::vector<NodeId> found;
  for (NodeId auth : graph_.auth_events(id)) {
    if (chosen_[auth]) found.push_back(auth);
    // An auth event still in progress closes a cycle; its ancestors are left out there.
    if (state_[auth] == State::kDone) {
      found.insert(found.end(), ancestors_[auth].begin(), ancestors_[auth].end());
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  ancestors_[id] = std::move(found);
  state_[id] = State::kDone;
}

}  // namespace myelin::state_res
