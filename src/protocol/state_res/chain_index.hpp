#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "protocol/state_res/event_graph.hpp"

namespace myelin::state_res {

// For a chosen set of events (the full conflicted set, the power events being sorted, …), the
// members of that set in each event's auth chain, memoised per event. Keeping only the chosen
// members bounds memory by (ancestors × chosen) instead of the quadratic size of whole auth
// chains along a long history (thousands of power level or membership changes).
class ChainIndex {
 public:
  ChainIndex(EventGraph& graph, std::span<const NodeId> chosen);

  bool chosen(NodeId id) const { return id < chosen_.size() && chosen_[id]; }

  // The chosen events in the event's auth chain (not the event itself), sorted by NodeId.
  // A cyclic auth graph (only a forged one) is cut where it loops.
  const std::vector<NodeId>& chosen_ancestors(NodeId id);

 private:
  enum class State : std::uint8_t { kNone, kInProgress, kDone };

  void finish(NodeId id);
  void grow();

  EventGraph& graph_;
  std::vector<char> chosen_;
  std::vector<State> state_;
  std::deque<std::vector<NodeId>> ancestors_;  // a deque keeps returned references valid
};

}  // namespace myelin::state_res
