#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/events/pdu.hpp"

namespace myelin::bench {

// (event type, state key) -> event ID: a room's state at some point of its DAG.
using StateMap = std::map<std::pair<std::string, std::string>, std::string>;

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
};

}  // namespace myelin::bench
