// Deleting a room (Synapse Admin API DELETE /_synapse/admin/v{1,2}/rooms/{roomId}): block it if
// asked, move its local members out (to a new room when new_room_user_id is given), repoint or
// keep its aliases, then purge it from the store. v2 runs this as a background task whose
// status is kept in the store.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/common/random_token.hpp"
#include "services/rooms/room_admin_service.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bool unfinished(const storage::RoomAdminTask& task) {
  return task.status == "scheduled" || task.status == "active";
}

}  // namespace

asio::awaitable<std::string> RoomAdminService::start_delete(std::string room_id,
                                                            DeleteRoomRequest request) {
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id] { return store.room_admin.tasks_of_room(room_id, kDeleteRoom); };
  std::vector<storage::RoomAdminTask> tasks = co_await ctx_.db(std::move(load));
  for (const storage::RoomAdminTask& task : tasks) {
    if (unfinished(task)) {
      throw MatrixError::unknown_bad_request("Purge already in progress for " + room_id);
    }
  }
  std::string task_id = random_token(16);
  storage::RoomAdminTask scheduled{task_id,      kDeleteRoom,  room_id, "scheduled",
                                   std::nullopt, std::nullopt, 0};
  co_await save_task(std::move(scheduled));
  log::info("room_admin", "{} scheduled the deletion {} of {}", request.requester, task_id,
            room_id);
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, run_delete(task_id, room_id, std::move(request)), asio::detached);
  co_return task_id;
}

asio::awaitable<void> RoomAdminService::run_delete(std::string task_id, std::string room_id,
                                                   DeleteRoomRequest request) {
  storage::RoomAdminTask task{task_id,      kDeleteRoom,  room_id, "active",
                              std::nullopt, std::nullopt, 0};
  std::optional<std::string> error;
  try {
    co_await save_task(task);
    ShutdownResult result = co_await shut_down(room_id, request, task_id);
    task.result_json = shutdown_json(result);
    co_await save_task(task);
    if (request.purge) co_await purge_room(room_id, request.force_purge);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error) {
    log::warn("room_admin", "deletion {} of {} failed: {}", task_id, room_id, *error);
    task.status = "failed";
    task.error = error;
  } else {
    log::info("room_admin", "deletion {} of {} complete", task_id, room_id);
    task.status = "complete";
  }
  if (!task.result_json) task.result_json = shutdown_json({});
  co_await save_task(task);
}

asio::awaitable<ShutdownResult> RoomAdminService::delete_room(std::string room_id,
                                                              DeleteRoomRequest request) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room && !request.block) throw MatrixError(ErrCode::kNotFound, "Unknown room id " + room_id);
  ShutdownResult result = co_await shut_down(room_id, request, "");
  if (request.purge) co_await purge_room(room_id, request.force_purge);
  log::info("room_admin", "{} deleted {}", request.requester, room_id);
  co_return result;
}

asio::awaitable<ShutdownResult> RoomAdminService::shut_down(std::string room_id,
                                                            DeleteRoomRequest request,
                                                            std::string task_id) {
  ShutdownResult result;
  storage::Store& store = ctx_.store;
  if (request.block) {
    auto block = [&store, room_id, admin = request.requester] {
      store.room_admin.block_room(room_id, admin);
    };
    co_await ctx_.db(std::move(block));
  }
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room) co_return result;  // nothing more to do for a room this server does not know

  if (request.new_room_user_id) {
    if (!is_local(*request.new_room_user_id)) {
      throw MatrixError::unknown_bad_request("User must be our own: " + *request.new_room_user_id);
    }
    CreateRoomRequest create;
    create.creator = *request.new_room_user_id;
    create.preset = "public_chat";
    create.name = request.room_name;
    // Moved users may read the notice but not speak (Synapse: users_default -10).
    create.power_level_content_override = bj::object{{"users_default", -10}};
    result.new_room_id = co_await rooms_.create_room(std::move(create));
    if (!task_id.empty()) {
      storage::RoomAdminTask progress{task_id,      kDeleteRoom,           room_id, "active",
                                      std::nullopt, shutdown_json(result), 0};
      co_await save_task(std::move(progress));
    }
  }

  std::vector<std::string> local_members;
  for (auto it = room->state->lower_bound(auth::StateKey("m.room.member", ""));
       it != room->state->end() && it->first.first == "m.room.member"; ++it) {
    const std::string_view membership = it->second->membership();
    if (is_local(it->first.second) &&
        (membership == "join" || membership == "invite" || membership == "knock")) {
      local_members.push_back(it->first.second);
    }
  }
  for (const std::string& user_id : local_members) {
    bool moved = true;
    try {
      std::optional<std::string> no_reason;
      co_await rooms_.leave(room_id, user_id, no_reason);
      auto forget = [&store, room_id, user_id] { store.events.forget(room_id, user_id); };
      co_await ctx_.db(std::move(forget));
      if (result.new_room_id) co_await rooms_.join(*result.new_room_id, user_id, no_reason);
    } catch (const std::exception& e) {
      log::warn("room_admin", "could not move {} out of {}: {}", user_id, room_id, e.what());
      moved = false;
    }
    (moved ? result.kicked_users : result.failed_to_kick_users).push_back(user_id);
  }

  auto hide = [&store, room_id] { store.rooms.set_public(room_id, false); };
  co_await ctx_.db(std::move(hide));
  if (result.new_room_id) {
    EventDraft notice;
    notice.sender = *request.new_room_user_id;
    notice.type = "m.room.message";
    notice.content = bj::object{{"body", request.message}, {"msgtype", "m.text"}};
    SendOptions no_transaction;
    co_await rooms_.send_event(*result.new_room_id, std::move(notice), std::move(no_transaction));
    auto move = [&store, room_id, new_room = result.new_room_id, admin = request.requester] {
      return store.room_admin.move_aliases(room_id, new_room, admin);
    };
    result.local_aliases = co_await ctx_.db(std::move(move));
  }
  co_return result;
}

asio::awaitable<void> RoomAdminService::purge_room(std::string room_id, bool force) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room) co_return;
  if (!force && !room->joined_local_users.empty()) {
    throw MatrixError::unknown_bad_request("Users are still joined to this room");
  }
  storage::Store& store = ctx_.store;
  auto purge = [&store, room_id] { store.room_admin.purge_room(room_id); };
  co_await ctx_.db(std::move(purge));
  rooms_.forget_purged_room(room_id);
  log::info("room_admin", "purged {} from the database", room_id);
}

}  // namespace myelin::services
