#include "protocol/events/event_id.hpp"

#include <cassert>

#include "base/base64.hpp"
#include "protocol/crypto/sha256.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::events {
namespace bj = boost::json;

std::string compute_reference_hash(const bj::object& event, const RoomVersion& version) {
  // redact() already drops "unsigned" (and the age_ts inside it); "signatures" it protects.
  std::string hashed;
  json::append_canonical_without(hashed, redact(event, version), {"signatures", "unsigned"});
  return crypto::sha256(hashed);
}

Expected<std::string> compute_event_id(const bj::object& event, const RoomVersion& version) {
  switch (version.event_format) {
    case EventFormat::kV1: {
      std::optional<std::string_view> id = json::find_string(event, "event_id");
      if (!id) return fail("event has no \"event_id\" string");
      return std::string(*id);
    }
    case EventFormat::kV2:
      return "$" + base64::encode(compute_reference_hash(event, version));
    case EventFormat::kV3:
    case EventFormat::kV4:
      return "$" + base64::encode_url(compute_reference_hash(event, version));
  }
  return fail("unknown event format");
}

std::string compute_room_id_from_create(const bj::object& create_event,
                                        const RoomVersion& version) {
  assert(version.room_id_is_create_event_hash);
  return "!" + base64::encode_url(compute_reference_hash(create_event, version));
}

Expected<std::string> compute_room_id_from_create(const bj::object& create_event) {
  const bj::object* content = json::find_object(create_event, "content");
  // A create event without content.room_version is a version 1 room (spec m.room.create).
  std::string_view id =
      content ? json::find_string(*content, "room_version").value_or("1") : std::string_view("1");
  const RoomVersion* version = find_room_version(id);
  if (!version) return fail("unknown room version \"" + std::string(id) + "\"");
  if (!version->room_id_is_create_event_hash) {
    return fail("room version " + std::string(id) +
                " does not derive room IDs from the create event");
  }
  return compute_room_id_from_create(create_event, *version);
}

}  // namespace myelin::events
