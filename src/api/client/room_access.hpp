#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "http/router/route.hpp"
#include "services/rooms/room_state.hpp"
#include "services/services.hpp"
#include "storage/store/event_records.hpp"

namespace myelin::api {

// The room's current state, when the user is joined to it: M_NOT_FOUND for an unknown room,
// M_FORBIDDEN otherwise (spec: "the user is not in the room").
boost::asio::awaitable<services::RoomStatePtr> joined_room(Services& services, std::string room_id,
                                                           std::string user_id);

// The user's current membership of the room ("" when none); M_NOT_FOUND for an unknown room.
boost::asio::awaitable<std::string> membership_in(Services& services, std::string room_id,
                                                  std::string user_id);

// Stored events rendered for the requesting device (redactions applied).
boost::asio::awaitable<boost::json::array> render_for(Services& services, http::Principal viewer,
                                                      std::vector<storage::EventRecord> events,
                                                      bool include_room_id = true);

}  // namespace myelin::api
