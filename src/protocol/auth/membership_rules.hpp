#pragma once

#include "base/expected.hpp"
#include "protocol/auth/auth_context.hpp"

namespace myelin::auth {

// The m.room.member rule (rule 5 in v1–v5 and v12, 4 in v6–v11): join, invite (with third-party
// invites), leave, ban and, from v7, knock.
Expected<Ok> check_membership(const AuthContext& context);

}  // namespace myelin::auth
