#include "protocol/ids/user_id.hpp"

#include "protocol/ids/sigil_id.hpp"

namespace myelin::ids {

namespace {

// Spec appendix "User Identifiers": user_id_char = DIGIT / %x61-7A / "-" / "." / "=" / "_" /
// "/" / "+".
bool is_user_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '=' ||
         c == '-' || c == '/' || c == '+';
}

}  // namespace

Expected<Ok> check_user_localpart(std::string_view localpart) {
  if (localpart.empty()) return fail("user ID localpart is empty");
  for (char c : localpart) {
    if (is_user_id_char(c)) continue;
    if (c >= 'A' && c <= 'Z') return fail("user ID localpart must be lower case");
    return fail("user ID localpart may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
  }
  return Ok{};
}

bool is_valid_user_localpart(std::string_view localpart) {
  return check_user_localpart(localpart).has_value();
}

Expected<UserId> UserId::parse(std::string_view text, UserIdGrammar grammar) {
  auto parts = parse_sigil_id(text, '@', "user ID");
  if (!parts) return Unexpected{parts.error()};
  if (grammar == UserIdGrammar::kCurrent) {
    if (auto ok = check_user_localpart(parts->localpart); !ok) return Unexpected{ok.error()};
  } else if (!is_opaque_localpart(parts->localpart)) {
    return fail("user ID localpart contains NUL or is not UTF-8");
  }
  return UserId(std::string(text), std::string(parts->localpart), std::move(parts->server_name));
}

Expected<UserId> UserId::make(std::string_view localpart, const ServerName& server_name) {
  // Checked first so a ':' in the localpart is reported as such, not as a bad server name.
  if (auto ok = check_user_localpart(localpart); !ok) return Unexpected{ok.error()};
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
