#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"

namespace myelin::app {

// One user to create, as `myelin register-user` sends it to the shared-secret endpoint.
struct NewUser {
  std::string username;  // localpart (or a full user ID of this server, as Synapse accepts)
  std::string password;
  bool admin = false;
  std::optional<std::string> displayname;
  std::optional<std::string> user_type;  // "bot", "support"
};

// One data row of a bulk file: the user, or why the row cannot be used (that row fails alone).
struct UserRow {
  std::size_t line = 0;
  std::string username;  // as written, for the result line even when the row is bad
  std::optional<NewUser> user;
  std::string error;
};

// A bulk registration file: RFC 4180 CSV whose header row names the columns, in any order:
// username and password (required), admin (true/false, yes/no, 1/0; empty: false),
// displayname and user_type (optional; empty: not sent). Fails as a whole for unparseable CSV,
// a missing header, unknown or repeated columns; a row with the wrong number of fields or bad
// values fails on its own.
Expected<std::vector<UserRow>> parse_user_csv(std::string_view text);

// "true"/"yes"/"1" → true, "false"/"no"/"0"/"" → false (any case); nullopt otherwise.
std::optional<bool> parse_yes_no(std::string_view text);

}  // namespace myelin::app
