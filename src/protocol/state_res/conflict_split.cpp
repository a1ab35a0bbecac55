#include "protocol/state_res/conflict_split.hpp"

#include <algorithm>

namespace myelin::state_res {

ConflictSplit split_conflicts(std::span<const StateMap> state_sets) {
  ConflictSplit split;
  if (state_sets.empty()) return split;
  const StateMap& first = state_sets.front();
  for (const StateMap::value_type& entry : first) {
    bool agreed = true;
    for (const StateMap& other : state_sets.subspan(1)) {
      auto it = other.find(entry.first);
      if (it == other.end() || it->second != entry.second) {
        agreed = false;
        break;
      }
    }
    if (agreed) split.unconflicted.push_back(&entry);
  }
  // Everything not unconflicted is conflicted; a slot is unconflicted exactly when the first
  // set's event is, so compare against the first set.
  for (const StateMap& set : state_sets) {
    for (const auto& [key, event_id] : set) {
      auto it = first.find(key);
      bool unconflicted =
          it != first.end() && it->second == event_id &&
          std::binary_search(split.unconflicted.begin(), split.unconflicted.end(), &*it,
                             [](const StateMap::value_type* a, const StateMap::value_type* b) {
                               return a->first < b->first;
                             });
      if (!unconflicted) split.conflicted.push_back(event_id);
    }
  }
  std::sort(split.conflicted.begin(), split.conflicted.end());
  split.conflicted.erase(std::unique(split.conflicted.begin(), split.conflicted.end()),
                         split.conflicted.end());
  return split;
}

}  // namespace myelin::state_res
