#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/expected.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/state_res/state_map.hpp"

namespace myelin::bench {

using state_res::StateMap;

// A large room for the state-resolution benchmark, built deterministically in room version 10
// with real hashes and event IDs (signatures are not needed by state resolution, so the events
// are unsigned). A linear history — create, the creator's join, power levels, join rules, then
// `members` joins — forks at the end into two branches of `conflicts_per_branch` state events
// each that disagree about the power levels and about the membership of the first members
// (one branch has them leave, the other bans them).
struct StateRoom {
  std::vector<std::shared_ptr<const events::Pdu>> events;  // in build order
  std::map<std::string, std::shared_ptr<const events::Pdu>, std::less<>> by_id;
  StateMap fork_a;  // the state at the tip of each branch
  StateMap fork_b;

  static StateRoom build(int members = 10000, int conflicts_per_branch = 100);

  // Runs the authorisation rules on every event against its auth events; the error names the
  // first event that fails (a bug in the builder: the room must be one a server would accept).
  Expected<Ok> check_auth_of_all_events() const;
};

}  // namespace myelin::bench
