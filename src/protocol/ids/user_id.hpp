#pragma once

#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "protocol/ids/server_name.hpp"

namespace myelin::ids {

// Which user ID grammar applies (spec appendix "User Identifiers").
enum class UserIdGrammar {
  kCurrent,     // localpart of [a-z0-9._=/+-], non-empty: what this server creates and accepts
                // from clients
  kHistorical,  // any code points but ':' and NUL, possibly empty: what federation must accept
};

// A user ID "@localpart:server_name", at most 255 bytes.
class UserId {
 public:
  static Expected<UserId> parse(std::string_view text,
                                UserIdGrammar grammar = UserIdGrammar::kCurrent);
  // The user ID for a localpart on this server; fails when the result would be invalid.
  static Expected<UserId> make(std::string_view localpart, const ServerName& server_name);

  const std::string& localpart() const { return localpart_; }
  const ServerName& server_name() const { return server_name_; }
  const std::string& to_string() const { return text_; }
  // Localpart within U+0021–U+007E and non-empty (spec: others are "non-compliant").
  bool is_compliant() const;

  bool operator==(const UserId& other) const { return text_ == other.text_; }

 private:
  UserId(std::string text, std::string localpart, ServerName server_name)
      : text_(std::move(text)),
        localpart_(std::move(localpart)),
        server_name_(std::move(server_name)) {}

  std::string text_;
  std::string localpart_;
  ServerName server_name_;
};

// The current grammar's localpart rule, for registration: non-empty, only [a-z0-9._=/+-]. The
// failure says which rule was broken (an upper-case letter gets its own reason, since a client
// can fix it by lower-casing). The whole user ID must still fit in 255 bytes: UserId::make.
Expected<Ok> check_user_localpart(std::string_view localpart);
bool is_valid_user_localpart(std::string_view localpart);

}  // namespace myelin::ids
