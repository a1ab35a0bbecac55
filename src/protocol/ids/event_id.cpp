#include "protocol/ids/event_id.hpp"

#include "protocol/ids/sigil_id.hpp"

namespace myelin::ids {
namespace {

// 43: unpadded base64 of the 32 bytes of a SHA-256 reference hash.
constexpr std::size_t kHashChars = 43;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Which base64 alphabets the 43 characters after the sigil fit; neither when the length or a
// character is wrong, or when both '+'/'/' and '-'/'_' occur.
struct HashAlphabets {
  bool standard = false;
  bool url_safe = false;
};

HashAlphabets hash_alphabets(std::string_view text, char sigil) {
  if (text.size() != kHashChars + 1 || text.front() != sigil) return {};
  HashAlphabets fits{true, true};
  for (char c : text.substr(1)) {
    if (is_alnum(c)) continue;
    if (c == '+' || c == '/') {
      fits.url_safe = false;
    } else if (c == '-' || c == '_') {
      fits.standard = false;
    } else {
      return {};
    }
  }
  return fits;
}

std::string version_name(const RoomVersion& version) {
  return "room version " + std::string(version.id);
}

}  // namespace

bool is_url_safe_hash_id(std::string_view text, char sigil) {
  return hash_alphabets(text, sigil).url_safe;
}

Expected<EventId> EventId::parse(std::string_view text) {
  EventId id;
  if (text.find(':') != std::string_view::npos) {
    auto parts = parse_sigil_id(text, '$', "event ID");
    if (!parts) return Unexpected{parts.error()};
    if (!is_opaque_localpart(parts->localpart)) {
      return fail("event ID opaque part contains NUL or is not UTF-8");
    }
    id.server_name_ = std::move(parts->server_name);
  } else {
    if (text.empty() || text.front() != '$') return fail("event ID must start with '$'");
    HashAlphabets alphabets = hash_alphabets(text, '$');
    if (!alphabets.standard && !alphabets.url_safe) {
      return fail("event ID must be '$opaque_id:domain' or '$' + 43 characters of base64");
    }
    id.standard_alphabet_ = alphabets.standard;
    id.url_safe_alphabet_ = alphabets.url_safe;
  }
  id.text_ = std::string(text);
  return id;
}

Expected<EventId> EventId::parse(std::string_view text, const RoomVersion& version) {
  auto id = parse(text);
  if (!id || id->fits(version)) return id;
  switch (version.event_format) {
    case EventFormat::kV1:
      return fail("event ID must be '$opaque_id:domain' in " + version_name(version));
    case EventFormat::kV2:
      return fail("event ID must be '$' + 43 characters of standard base64 in " +
                  version_name(version));
    case EventFormat::kV3:
    case EventFormat::kV4:
      break;
  }
  return fail("event ID must be '$' + 43 characters of URL-safe base64 in " +
              version_name(version));
}

bool EventId::fits(const RoomVersion& version) const {
  switch (version.event_format) {
    case EventFormat::kV1:
      return server_name_.has_value();
    case EventFormat::kV2:
      return standard_alphabet_;
    case EventFormat::kV3:
    case EventFormat::kV4:
      return url_safe_alphabet_;
  }
  return false;
}

Expected<Ok> check_event_id(std::string_view text, const RoomVersion& version) {
  // The hash forms are checked without building an EventId: every prev_events and auth_events
  // entry of every incoming PDU comes through here.
  if (version.event_format != EventFormat::kV1) {
    HashAlphabets alphabets = hash_alphabets(text, '$');
    bool fits = version.event_format == EventFormat::kV2 ? alphabets.standard : alphabets.url_safe;
    if (fits) return Ok{};
  }
  auto id = EventId::parse(text, version);
  if (!id) return Unexpected{id.error()};
  return Ok{};
}

}  // namespace myelin::ids
