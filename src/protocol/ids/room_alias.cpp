#include "protocol/ids/room_alias.hpp"

#include "protocol/ids/sigil_id.hpp"

namespace myelin::ids {

Expected<RoomAlias> RoomAlias::parse(std::string_view text) {
  auto parts = parse_sigil_id(text, '#', "room alias");
  if (!parts) return Unexpected{parts.error()};
  // The spec allows an empty localpart in principle; no server hands one out and Synapse refuses
  // them, so they are refused here too.
  if (parts->localpart.empty()) return fail("room alias has an empty localpart");
  if (!is_opaque_localpart(parts->localpart))
    return fail("room alias localpart contains NUL or is not UTF-8");
  return RoomAlias(std::string(text), std::string(parts->localpart), std::move(parts->server_name));
}

}  // namespace myelin::ids
