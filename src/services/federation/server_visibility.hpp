#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/room_versions/room_version.hpp"
#include "services/rooms/room_state.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

// The server part of a user ID: "@a:example.org:8448" → "example.org:8448"; "" when malformed.
std::string_view server_of_user(std::string_view user_id);

// Whether a user of `server_name` is joined to the room in its current state (Synapse's
// is_host_in_room): the condition for reading a room's events over federation.
bool server_in_room(const RoomState& room, std::string_view server_name);

// What happens to an event the server may not see.
enum class HiddenEvents {
  kRedact,  // served as its redacted copy (backfill, /event: the DAG stays walkable)
  kOmit,    // left out
};

// The events' PDUs as `server_name` may have them (spec server-server API "Retrieving events":
// a server sees what one of its users would; Synapse's filter_events_for_server). An event is
// visible when the history visibility at it is world_readable or shared, or when a user of the
// server was joined at it (or invited, under "invited"). Events the server may not see are
// redacted or omitted per `hidden`; so are the events of senders whose account was erased.
// Blocking: run on the database pool.
std::vector<boost::json::object> events_for_server(storage::Store& store,
                                                   const RoomVersion& version,
                                                   const std::string& server_name,
                                                   const std::vector<storage::EventRecord>& events,
                                                   HiddenEvents hidden);

}  // namespace myelin::services
