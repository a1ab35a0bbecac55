#include "protocol/state_res/resolve.hpp"

#include "protocol/state_res/resolve_v1.hpp"
#include "protocol/state_res/resolve_v2.hpp"

namespace myelin::state_res {

Expected<StateMap> resolve_state(const RoomVersion& version, std::span<const StateMap> state_sets,
                                 const EventSource& events) {
  if (state_sets.empty()) return StateMap{};
  if (state_sets.size() == 1) return state_sets.front();
  switch (version.state_res) {
    case StateResAlgorithm::kV1:
      return resolve_v1(version, state_sets, events);
    case StateResAlgorithm::kV2:
    case StateResAlgorithm::kV21:
      return resolve_v2(version, state_sets, events);
  }
  return fail("state resolution: unknown algorithm");
}

}  // namespace myelin::state_res
