#include "api/client/room_access.hpp"

#include "base/matrix_error.hpp"
#include "services/sync/room_sync.hpp"

namespace myelin::api {

boost::asio::awaitable<services::RoomStatePtr> joined_room(Services& services, std::string room_id,
                                                           std::string user_id) {
  services::RoomStatePtr room = co_await services.rooms.require_room(room_id);
  if (room->membership_of(user_id) != "join") {
    throw MatrixError(ErrCode::kForbidden, "User " + user_id + " not in room " + room_id);
  }
  co_return room;
}

boost::asio::awaitable<std::string> membership_in(Services& services, std::string room_id,
                                                  std::string user_id) {
  services::RoomStatePtr room = co_await services.rooms.require_room(room_id);
  co_return room->membership_of(user_id);
}

boost::asio::awaitable<boost::json::array> render_for(Services& services, http::Principal viewer,
                                                      std::vector<storage::EventRecord> events,
                                                      bool include_room_id) {
  if (events.empty()) co_return boost::json::array{};
  services::RoomStatePtr room = co_await services.rooms.require_room(events.front().room_id);
  const RoomVersion* version = room->version;
  storage::Store& store = services.ctx.store;
  const std::int64_t now = services.ctx.now_ms();
  std::string user = viewer.user_id;
  std::string device = viewer.device_id;
  auto render = [&store, version, events = std::move(events), user, device, now, include_room_id] {
    return services::render_events(store, *version, events, user, device, now, include_room_id);
  };
  co_return co_await services.ctx.db(std::move(render));
}

}  // namespace myelin::api
