#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "protocol/state_res/state_map.hpp"

namespace myelin::state_res {

// The state sets divided (spec /rooms/v2 "Unconflicted state map and conflicted state set").
// Everything views the input maps, which must outlive it.
struct ConflictSplit {
  // Entries present in every state set with the same event.
  std::vector<const StateMap::value_type*> unconflicted;
  // Every other event of every set, each once, sorted.
  std::vector<std::string_view> conflicted;
};

// v2 rule: a slot missing from one set is a conflict.
ConflictSplit split_conflicts(std::span<const StateMap> state_sets);

}  // namespace myelin::state_res
