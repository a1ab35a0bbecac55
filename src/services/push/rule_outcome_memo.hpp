#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace myelin::services::push {

// Whether the server-default rules that name nobody (PushRule::shared_slot) matched one event.
// Their conditions are the same for every user and depend on the event and the room alone, so
// the members evaluated for one event share the outcome: only the few rules that name the user
// (their mention, display name, local part, their invite) are tested for each member. Owned by
// one evaluation on one thread.
class RuleOutcomeMemo {
 public:
  std::optional<bool> find(int slot) const {
    if (slot < 0 || static_cast<std::size_t>(slot) >= outcomes_.size()) return std::nullopt;
    const std::int8_t outcome = outcomes_[static_cast<std::size_t>(slot)];
    if (outcome == kUnknown) return std::nullopt;
    return outcome == 1;
  }
  void remember(int slot, bool matched) {
    if (slot < 0) return;
    if (static_cast<std::size_t>(slot) >= outcomes_.size()) {
      outcomes_.resize(static_cast<std::size_t>(slot) + 1, kUnknown);
    }
    outcomes_[static_cast<std::size_t>(slot)] = matched ? 1 : 0;
  }

 private:
  static constexpr std::int8_t kUnknown = -1;
  std::vector<std::int8_t> outcomes_;
};

}  // namespace myelin::services::push
