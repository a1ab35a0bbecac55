#pragma once

#include <string>
#include <vector>

#include "storage/store/store.hpp"

namespace myelin::services {

// The events (of one room) that `user_id` may see under the room's history visibility at each
// event (spec client-server API "History visibility"): world_readable to anyone; shared to
// current members; invited from the user's invite; joined while joined — and every event
// during which the user was joined. `current_membership` is the user's membership now.
// Blocking: run on the database pool.
std::vector<storage::EventRecord> visible_events(storage::Store& store, const std::string& user_id,
                                                 const std::string& current_membership,
                                                 std::vector<storage::EventRecord> events);

}  // namespace myelin::services
