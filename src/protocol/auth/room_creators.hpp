#pragma once

#include <string>
#include <vector>

#include "protocol/events/pdu.hpp"

namespace myelin::auth {

// The room's creators, read from its m.room.create event per its room version:
// content.creator (v1–v10), the create event's sender (v11, implicit_room_creator), and from
// v12 (privileged_creators) the sender plus every string in content.additional_creators.
// Empty when a pre-v11 create event has no string "creator".
std::vector<std::string> room_creators(const events::Pdu& create);

}  // namespace myelin::auth
