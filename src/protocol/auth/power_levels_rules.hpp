#pragma once

#include "base/expected.hpp"
#include "protocol/auth/auth_context.hpp"

namespace myelin::auth {

// The m.room.power_levels rule (rule 10 in v1–v5 and v12, 9 in v6–v11): well-formed values,
// creators not listed (v12), and no change the sender could not make.
Expected<Ok> check_power_levels_change(const AuthContext& context);

}  // namespace myelin::auth
