#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/room_versions/room_version.hpp"
#include "storage/store/event_records.hpp"

namespace myelin::services {

struct ClientEventOptions {
  std::int64_t now_ms = 0;
  // The requester: the sending device sees its transaction_id echoed (spec "Transaction
  // identifiers").
  std::string viewer_user_id;
  std::string viewer_device_id;
  // The event that redacted this one, when it is redacted.
  const storage::EventRecord* redaction = nullptr;
  bool include_room_id = true;  // false inside /sync's per-room sections
};

// The client-server API's view of a stored event (spec "ClientEvent"): content (redacted when
// the event is), event_id, origin_server_ts, room_id, sender, state_key, type, redacts, and
// unsigned {age, transaction_id, prev_content, prev_sender, replaces_state, redacted_because}.
boost::json::object client_event(const storage::EventRecord& record, const RoomVersion& version,
                                 const ClientEventOptions& options);

// The event's stripped form, as invites and knocks carry it: {type, state_key, sender, content}.
boost::json::object stripped_state_event(const boost::json::object& pdu);

}  // namespace myelin::services
