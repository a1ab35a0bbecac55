#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "base/expected.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "protocol/events/pdu.hpp"
#include "services/rooms/room_state.hpp"

namespace myelin::services {

// What a local user (or the server on their behalf) wants to put in a room.
struct EventDraft {
  std::string sender;
  std::string type;
  std::optional<std::string> state_key;
  boost::json::object content;
  std::optional<std::string> redacts;
};

struct BuiltEvent {
  events::Pdu pdu;
  std::string canonical_json;  // what is stored: the PDU exactly as hashed and signed
};

// Turns a draft into a signed PDU of the room's version on top of `room`: prev_events are its
// forward extremities, auth_events the slots the auth rules select from its current state,
// depth one more than the deepest extremity, then content hash, signature and event ID
// (spec server-server API "Adding hashes and signatures", rooms/vN event formats). Fails with
// the spec's limits (65,536 bytes; canonical numbers from v6). `room` may be empty (room_id and
// version only) for the create event.
Expected<BuiltEvent> build_event(const RoomState& room, const EventDraft& draft,
                                 const std::string& server_name, const crypto::SigningKey& key,
                                 std::int64_t now_ms);

// Checks a built event against the room's current state under its version's auth rules.
Expected<Ok> authorize_event(const RoomState& room, const events::Pdu& pdu);

}  // namespace myelin::services
