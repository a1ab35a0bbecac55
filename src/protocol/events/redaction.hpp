#pragma once

#include <boost/json/object.hpp>

#include "protocol/room_versions/room_version.hpp"

namespace myelin::events {

// The event with every key stripped that the room version's redaction algorithm does not protect
// (spec: rooms/vN "Redactions", fragments v1/v6/v9/v11-redactions). Used to store redacted events,
// and as the form that signatures and the reference hash cover. Always has a "content" object,
// as Synapse's pruning does, so a redacted event is still a well-formed PDU. "unsigned" is not
// protected; callers serving the event to clients add unsigned.redacted_because themselves.
boost::json::object redact(const boost::json::object& event, const RoomVersion& version);

}  // namespace myelin::events
