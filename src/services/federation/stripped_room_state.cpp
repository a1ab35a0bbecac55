#include "services/federation/stripped_room_state.hpp"

#include "services/common/client_event.hpp"

namespace myelin::services {

boost::json::array stripped_room_state(const RoomState& room) {
  boost::json::array stripped;
  for (const char* type : {"m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
                           "m.room.canonical_alias", "m.room.encryption", "m.room.topic"}) {
    if (const events::Pdu* event = room.find(type, "")) {
      stripped.push_back(stripped_state_event(event->json()));
    }
  }
  return stripped;
}

}  // namespace myelin::services
