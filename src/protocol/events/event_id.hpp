#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::events {

// SHA-256 (32 raw bytes) of the redacted event without "signatures" and "unsigned", as canonical
// JSON (spec server-server API "Calculating the reference hash for an event"). Covers the
// content hash, so it changes with any change to the unredacted event that updates hashes.
std::string compute_reference_hash(const boost::json::object& event, const RoomVersion& version);

// The event's ID: v1–v2 carry it in "event_id" (fails when absent or not a string); v3 is "$" +
// unpadded base64 of the reference hash, v4+ "$" + URL-safe unpadded base64 (rooms/v3,
// v4-event-ids).
Expected<std::string> compute_event_id(const boost::json::object& event,
                                       const RoomVersion& version);

// v12: the room ID of a room whose create event this is: "!" + URL-safe unpadded base64 of the
// create event's reference hash, i.e. its event ID with "!" instead of "$" (rooms/v12, appendix
// "Room IDs"). `version` must have room_id_is_create_event_hash.
std::string compute_room_id_from_create(const boost::json::object& create_event,
                                        const RoomVersion& version);

// Same, with the version taken from the create event's content.room_version; fails when that
// version is unknown or does not derive room IDs from the create event.
Expected<std::string> compute_room_id_from_create(const boost::json::object& create_event);

}  // namespace myelin::events
