#pragma once

#include <boost/json/object.hpp>
#include <cstddef>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::events {

// 65,536 bytes of canonical JSON, signatures included (spec client-server API "Size limits").
inline constexpr std::size_t kMaxPduBytes = 65536;
// sender, room_id, event_id (appendix identifier limits), type and state_key ("Size limits").
inline constexpr std::size_t kMaxIdentifierBytes = 255;
// "Must contain less than or equal to 20 / 10 events" (definitions/pdu_v*.yaml).
inline constexpr std::size_t kMaxPrevEvents = 20;
inline constexpr std::size_t kMaxAuthEvents = 10;

// Whether the JSON is a well-formed PDU of the room version (definitions/pdu_v1..v12.yaml and the
// event format fragments): required fields present with the right types, identifier and size
// limits, prev_events/auth_events shaped for the format, event_id present exactly in v1–v2,
// room_id absent only from v12 create events, and canonical JSON numbers from v6. The error
// names the first problem found. Hashes, signatures and auth rules are not checked here.
Expected<Ok> check_pdu_format(const boost::json::object& pdu, const RoomVersion& version);

}  // namespace myelin::events
