#include "protocol/ids/room_id.hpp"

#include "protocol/ids/event_id.hpp"
#include "protocol/ids/sigil_id.hpp"

namespace myelin::ids {

Expected<RoomId> RoomId::parse(std::string_view text) {
  RoomId id;
  id.text_ = std::string(text);
  if (text.find(':') == std::string_view::npos) {
    if (!is_url_safe_hash_id(text, '!')) {
      return fail(
          "room ID must be '!opaque:server_name' or '!' + 43 characters of URL-safe "
          "base64");
    }
    return id;
  }
  auto parts = parse_sigil_id(text, '!', "room ID");
  if (!parts) return Unexpected{parts.error()};
  if (parts->localpart.empty() || !is_opaque_localpart(parts->localpart)) {
    return fail("room ID opaque part is empty, contains NUL or is not UTF-8");
  }
  id.server_name_ = std::move(parts->server_name);
  return id;
}

Expected<RoomId> RoomId::parse(std::string_view text, const RoomVersion& version) {
  auto id = parse(text);
  if (!id) return id;
  if (version.room_id_is_create_event_hash != id->is_create_event_hash()) {
    return fail(std::string("room version ") + std::string(version.id) +
                (version.room_id_is_create_event_hash ? " room IDs have no server name"
                                                      : " room IDs need a server name"));
  }
  return id;
}

}  // namespace myelin::ids
