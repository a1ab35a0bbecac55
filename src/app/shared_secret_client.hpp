#pragma once

#include <string>

#include "app/plain_http_client.hpp"
#include "app/user_csv.hpp"
#include "base/expected.hpp"

namespace myelin::app {

// The client side of Synapse's shared-secret registration, as register_new_matrix_user does it:
// GET /_synapse/admin/v1/register for a nonce, then POST the user with the HMAC of nonce, name,
// password, admin flag and user type keyed with the shared secret. Returns the new user's ID,
// or "ERRCODE: message" (or why the server could not be reached). 429s are waited out.
Expected<std::string> register_with_shared_secret(const BaseUrl& server,
                                                  const std::string& shared_secret,
                                                  const NewUser& user);

}  // namespace myelin::app
