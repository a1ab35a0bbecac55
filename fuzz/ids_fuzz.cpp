// Every identifier parser on arbitrary bytes: none may crash, and whatever parses must keep its
// promises (the 255-byte limit, parts that re-assemble into the input).
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

using namespace myelin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto name = ids::ServerName::parse(text)) {
    if (name->to_string() != text || name->host().empty()) std::abort();
    if (name->port() && *name->port() == 0) std::abort();
  }
  for (auto grammar : {ids::UserIdGrammar::kCurrent, ids::UserIdGrammar::kHistorical}) {
    if (auto user = ids::UserId::parse(text, grammar)) {
      if (user->to_string().size() > 255) std::abort();
      if ("@" + user->localpart() + ":" + user->server_name().to_string() != text) std::abort();
    }
  }
  if (auto room = ids::RoomId::parse(text)) {
    if (room->to_string().size() > 255) std::abort();
  }
  if (auto alias = ids::RoomAlias::parse(text)) {
    if ("#" + alias->localpart() + ":" + alias->server_name().to_string() != text) std::abort();
  }
  for (const RoomVersion* version : known_room_versions()) {
    if (ids::check_event_id(text, *version) && text.size() > 255) std::abort();
  }
  (void)ids::check_device_id(text);
  (void)ids::is_valid_user_localpart(text);
  return 0;
}
