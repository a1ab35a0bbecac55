#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "base/expected.hpp"
#include "services/common/service_context.hpp"
#include "services/rooms/room_state.hpp"

namespace myelin::services {

// What make_join, make_leave and make_knock answer (spec server-server API "Joining Rooms"):
// the m.room.member event of `user_id` with `content`, built on the room's current state —
// prev_events its forward extremities, auth_events the slots the auth rules select, depth one
// more — without hashes and signatures, which the requesting server adds once it completed the
// event (and, in v1–v2, without event_id, which it makes in its own name). Fails with the auth
// rules' reason when the event would be refused against the current state.
Expected<boost::json::object> membership_template(ServiceContext& ctx, const RoomState& room,
                                                  const std::string& user_id,
                                                  boost::json::object content);

}  // namespace myelin::services
