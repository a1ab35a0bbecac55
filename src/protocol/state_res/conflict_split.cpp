#include "protocol/state_res/conflict_split.hpp"

#include <algorithm>

namespace myelin::state_res {

ConflictSplit split_conflicts(std::span<const StateMap> state_sets) {
  ConflictSplit split;
  if (state_sets.empty()) return split;
  // One merge pass over the sorted maps: at each step the smallest slot any set still has.
  std::vector<StateMap::const_iterator> cursors;
  for (const StateMap& set : state_sets) cursors.push_back(set.begin());
  while (true) {
    const auth::StateKey* slot = nullptr;
    for (std::size_t i = 0; i < cursors.size(); ++i) {
      if (cursors[i] == state_sets[i].end()) continue;
      if (!slot || cursors[i]->first < *slot) slot = &cursors[i]->first;
    }
    if (!slot) break;
    const StateMap::value_type* first = nullptr;
    bool agreed = true;
    std::size_t holders = 0;
    for (std::size_t i = 0; i < cursors.size(); ++i) {
      if (cursors[i] == state_sets[i].end() || cursors[i]->first != *slot) continue;
      ++holders;
      if (!first) {
        first = &*cursors[i];
      } else if (cursors[i]->second != first->second) {
        agreed = false;
      }
    }
    if (agreed && holders == state_sets.size()) {
      split.unconflicted.push_back(first);
    } else {
      for (std::size_t i = 0; i < cursors.size(); ++i) {
        if (cursors[i] != state_sets[i].end() && cursors[i]->first == first->first) {
          split.conflicted.push_back(cursors[i]->second);
        }
      }
    }
    // Advance every cursor at this slot (compare against a copy: `slot` points into them).
    auth::StateKey key = first->first;
    for (std::size_t i = 0; i < cursors.size(); ++i) {
      if (cursors[i] != state_sets[i].end() && cursors[i]->first == key) ++cursors[i];
    }
  }
  std::sort(split.conflicted.begin(), split.conflicted.end());
  split.conflicted.erase(std::unique(split.conflicted.begin(), split.conflicted.end()),
                         split.conflicted.end());
  return split;
}

}  // namespace myelin::state_res
