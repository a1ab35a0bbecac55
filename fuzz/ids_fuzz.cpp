// Every identifier parser on arbitrary bytes: none may crash, and whatever parses must keep its
// promises (the 255-byte limit, parts that re-assemble into the input, agreement between the
// version-agnostic and the per-version parsers).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/ids/device_id.hpp"
#include "protocol/ids/event_id.hpp"
#include "protocol/ids/room_alias.hpp"
#include "protocol/ids/room_id.hpp"
#include "protocol/ids/server_name.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/ids/utf8.hpp"

using namespace myelin;

namespace {

void check(bool promise_kept) {
  if (!promise_kept) std::abort();
}

void fuzz_server_name(std::string_view text) {
  auto name = ids::ServerName::parse(text);
  if (!name) return;
  check(name->to_string() == text && !name->host().empty() && text.size() <= 255);
  check(!name->port() || *name->port() != 0);
  check(text.starts_with(name->host()));
  std::string_view rest = text.substr(name->host().size());
  if (name->port()) {
    check(rest.size() >= 2 && rest.size() <= 6 && rest.front() == ':');  // ":" 1*5DIGIT
  } else {
    check(rest.empty());
  }
}

void fuzz_user_id(std::string_view text) {
  auto current = ids::UserId::parse(text, ids::UserIdGrammar::kCurrent);
  auto historical = ids::UserId::parse(text, ids::UserIdGrammar::kHistorical);
  // The current grammar is a subset of the historical one.
  if (current) check(historical.has_value() && current->is_compliant());
  if (!historical) return;
  check(historical->to_string().size() <= 255);
  check("@" + historical->localpart() + ":" + historical->server_name().to_string() == text);
  check(ids::is_valid_utf8(historical->localpart()));
  if (current) check(ids::is_valid_user_localpart(current->localpart()));
}

void fuzz_room_id(std::string_view text) {
  auto room = ids::RoomId::parse(text);
  if (!room) return;
  check(room->to_string() == text && text.size() <= 255);
  for (const RoomVersion* version : known_room_versions()) {
    bool form_matches = version->room_id_is_create_event_hash == room->is_create_event_hash();
    check(ids::RoomId::parse(text, *version).has_value() == form_matches);
  }
}

void fuzz_event_id(std::string_view text) {
  auto any = ids::EventId::parse(text);
  for (const RoomVersion* version : known_room_versions()) {
    bool valid = ids::EventId::is_valid(text, *version);
    check(ids::check_event_id(text, *version).has_value() == valid);
    // Valid for a version exactly when it parses and fits that version.
    check(valid == (any.has_value() && any->fits(*version)));
  }
  if (any) check(any->to_string() == text && text.size() <= 255);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_server_name(text);
  fuzz_user_id(text);
  fuzz_room_id(text);
  fuzz_event_id(text);
  if (auto alias = ids::RoomAlias::parse(text)) {
    check("#" + alias->localpart() + ":" + alias->server_name().to_string() == text);
    check(text.size() <= 255);
  }
  if (auto device = ids::DeviceId::parse(text)) {
    check(!device->to_string().empty() && device->to_string().size() <= ids::kMaxDeviceIdBytes);
  }
  (void)ids::check_user_localpart(text);
  return 0;
}
