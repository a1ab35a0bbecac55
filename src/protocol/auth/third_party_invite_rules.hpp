#pragma once

#include "base/expected.hpp"
#include "protocol/auth/auth_context.hpp"

namespace myelin::auth {

// The third-party invite branch of the invite rule ("If content has a third_party_invite
// property", steps 1–8): the target is not banned, the signed block names the target and the
// token of an m.room.third_party_invite sent by the same sender, and carries an ed25519 signature
// by one of that event's public keys.
Expected<Ok> check_third_party_invite(const AuthContext& context);

}  // namespace myelin::auth
