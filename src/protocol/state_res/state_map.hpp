#pragma once

#include <functional>
#include <map>
#include <string>

#include "protocol/auth/state_key.hpp"

namespace myelin::state_res {

// A room state: (event type, state_key) → the event ID holding that slot.
using StateMap = std::map<auth::StateKey, std::string, std::less<>>;

}  // namespace myelin::state_res
