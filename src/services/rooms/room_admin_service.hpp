#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"
#include "services/rooms/room_summary.hpp"
#include "storage/store/room_admin_store.hpp"

namespace myelin::services {

namespace asio = boost::asio;

struct RoomListPage {
  std::vector<RoomSummary> rooms;
  std::int64_t total = 0;
};

// DELETE /_synapse/admin/v{1,2}/rooms/{roomId}'s body.
struct DeleteRoomRequest {
  std::string requester;  // the admin
  std::optional<std::string> new_room_user_id;
  std::string room_name = "Content Violation Notification";
  std::string message =
      "Sharing illegal content on this server is not permitted and rooms in violation will be "
      "blocked.";
  bool block = false;
  bool purge = true;
  bool force_purge = false;
};

// The shutdown_room object of a deletion.
struct ShutdownResult {
  std::vector<std::string> kicked_users;
  std::vector<std::string> failed_to_kick_users;
  std::vector<std::string> local_aliases;
  std::optional<std::string> new_room_id;
};

// What the Synapse Admin API does to rooms: listing and details, blocks, making a user room
// admin, admin joins, room deletion and history purges (background tasks whose status is
// kept in the store), and the event reports users file. Membership changes and events go
// through RoomService, so the auth rules and the block apply to them as to any other.
class RoomAdminService {
 public:
  static constexpr const char* kDeleteRoom = "delete_room";
  static constexpr const char* kPurgeHistory = "purge_history";

  // Marks tasks a previous run left unfinished as failed (they stop with the server).
  RoomAdminService(ServiceContext& ctx, RoomService& rooms);

  asio::awaitable<RoomListPage> list_rooms(RoomListQuery query);
  // nullopt for a room this server does not know.
  asio::awaitable<std::optional<RoomSummary>> summary(std::string room_id);

  // Gives `user_id` the power level of the most powerful joined local user (the room's local
  // creator in v12 rooms) by a power-levels event from that user, then invites `user_id` when
  // not joined or invited and the room is not public (Synapse's make_room_admin).
  asio::awaitable<void> make_room_admin(std::string room_id, std::string user_id);
  // Joins local `user_id` to the room, invited first by `admin` unless the room is public.
  asio::awaitable<void> join_user(std::string room_id, std::string user_id, std::string admin);

  // Starts a deletion in the background; returns its delete_id. 400 while another deletion
  // of the room runs.
  asio::awaitable<std::string> start_delete(std::string room_id, DeleteRoomRequest request);
  // Deletes the room now (v1 API).
  asio::awaitable<ShutdownResult> delete_room(std::string room_id, DeleteRoomRequest request);

  // Starts purging the room's events older than `before_depth` in the background; returns the
  // purge_id.
  asio::awaitable<std::string> start_purge_history(std::string room_id, std::int64_t before_depth,
                                                   bool delete_local_events);

  // Files a user's report of an event they can see (404 otherwise); returns the report ID.
  asio::awaitable<std::int64_t> report_event(std::string room_id, std::string event_id,
                                             std::string reporter,
                                             std::optional<std::string> reason,
                                             std::optional<std::int64_t> score);

  static std::string shutdown_json(const ShutdownResult& result);

 private:
  asio::awaitable<ShutdownResult> shut_down(std::string room_id, DeleteRoomRequest request,
                                            std::string task_id);
  // Removes every trace of the room; 400 while local users are joined unless `force`.
  asio::awaitable<void> purge_room(std::string room_id, bool force);
  asio::awaitable<void> run_delete(std::string task_id, std::string room_id,
                                   DeleteRoomRequest request);
  asio::awaitable<void> run_purge(std::string task_id, std::string room_id,
                                  std::int64_t before_depth, bool delete_local_events);
  asio::awaitable<void> save_task(storage::RoomAdminTask task);
  bool is_local(const std::string& user_id) const;

  ServiceContext& ctx_;
  RoomService& rooms_;
};

}  // namespace myelin::services
