#include "protocol/ids/user_id.hpp"

#include "protocol/ids/sigil_id.hpp"

namespace myelin::ids {

bool is_valid_user_localpart(std::string_view localpart) {
  if (localpart.empty()) return false;
  for (char c : localpart) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                   c == '=' || c == '-' || c == '/' || c == '+';
    if (!allowed) return false;
  }
  return true;
}

Expected<UserId> UserId::parse(std::string_view text, UserIdGrammar grammar) {
  auto parts = parse_sigil_id(text, '@', "user ID");
  if (!parts) return Unexpected{parts.error()};
  if (grammar == UserIdGrammar::kCurrent && !is_valid_user_localpart(parts->localpart)) {
    return fail(
        "user ID localpart must be non-empty and use only a-z, 0-9, '.', '_', '=', "
        "'-', '/' and '+'");
  }
  if (!is_opaque_localpart(parts->localpart)) return fail("user ID localpart contains NUL");
  return UserId(std::string(text), std::string(parts->localpart), std::move(parts->server_name));
}

Expected<UserId> UserId::make(std::string_view localpart, const ServerName& server_name) {
  return parse("@" + std::string(localpart) + ":" + server_name.to_string());
}

bool UserId::is_compliant() const {
  if (localpart_.empty()) return false;
  for (char c : localpart_) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace myelin::ids
