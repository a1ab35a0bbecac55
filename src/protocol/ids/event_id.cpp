#include "protocol/ids/event_id.hpp"

#include <string>

#include "protocol/ids/sigil_id.hpp"

namespace myelin::ids {
namespace {

// 43: unpadded base64 of the 32 bytes of a SHA-256 hash.
constexpr std::size_t kHashChars = 43;

bool is_hash_id(std::string_view text, char sigil, bool url_safe) {
  if (text.size() != kHashChars + 1 || text.front() != sigil) return false;
  for (char c : text.substr(1)) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    bool extra = url_safe ? (c == '-' || c == '_') : (c == '+' || c == '/');
    if (!alnum && !extra) return false;
  }
  return true;
}

}  // namespace

bool is_url_safe_hash_id(std::string_view text, char sigil) {
  return is_hash_id(text, sigil, true);
}

Expected<Ok> check_event_id(std::string_view text, const RoomVersion& version) {
  switch (version.event_format) {
    case EventFormat::kV1: {
      auto parts = parse_sigil_id(text, '$', "event ID");
      if (!parts) return Unexpected{parts.error()};
      if (!is_opaque_localpart(parts->localpart)) return fail("event ID contains NUL");
      return Ok{};
    }
    case EventFormat::kV2:
      if (is_hash_id(text, '$', false)) return Ok{};
      return fail("event ID must be '$' + 43 characters of base64 in room version " +
                  std::string(version.id));
    case EventFormat::kV3:
    case EventFormat::kV4:
      if (is_hash_id(text, '$', true)) return Ok{};
      return fail("event ID must be '$' + 43 characters of URL-safe base64 in room version " +
                  std::string(version.id));
  }
  return fail("unknown event format");
}

}  // namespace myelin::ids
