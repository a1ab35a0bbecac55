#pragma once

#include <string_view>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::ids {

// Whether text is an event ID of the room version's format (spec appendix "Event IDs", rooms/v3
// and v4-event-ids): "$opaque:server_name" for v1–v2, "$" + 43 characters of unpadded base64 of a
// SHA-256 hash for v3 (standard alphabet) and v4+ (URL-safe alphabet). At most 255 bytes.
Expected<Ok> check_event_id(std::string_view text, const RoomVersion& version);

// "$" + 43 characters of the URL-safe alphabet: the shape of v4+ event IDs and, with "!", of v12
// room IDs.
bool is_url_safe_hash_id(std::string_view text, char sigil);

}  // namespace myelin::ids
