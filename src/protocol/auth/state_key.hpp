#pragma once

#include <string>
#include <utility>

namespace myelin::auth {

// A room state slot: (event type, state_key).
using StateKey = std::pair<std::string, std::string>;

}  // namespace myelin::auth
