#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "http/router/request.hpp"
#include "services/rooms/room_summary.hpp"
#include "services/services.hpp"

// What the Synapse Admin API's room handlers share.
namespace myelin::api {

// The {roomId} path parameter; 400 M_UNKNOWN "… is not a legal room ID" as Synapse.
std::string legal_room_id(const http::Request& request);

// A {roomIdOrAlias} parameter as a room ID: a local alias is looked up (404 when unknown);
// 400 when it is neither.
boost::asio::awaitable<std::string> resolve_room_id_or_alias(Services& services,
                                                             std::string id_or_alias);

// 404 M_NOT_FOUND "Room not found" unless the server knows the room.
boost::asio::awaitable<services::RoomStatePtr> known_room(Services& services, std::string room_id);

// The fields the room list and the room details share.
boost::json::object summary_json(const services::RoomSummary& summary);

}  // namespace myelin::api
