#pragma once

#include <boost/json/array.hpp>

#include "services/rooms/room_state.hpp"

namespace myelin::services {

// What a server shows of a room to someone invited or knocking before they join (spec
// client-server API "Stripped state"; Synapse's default room_prejoin_state): the create, join
// rules, name, avatar, canonical alias, encryption and topic events, stripped.
boost::json::array stripped_room_state(const RoomState& room);

}  // namespace myelin::services
