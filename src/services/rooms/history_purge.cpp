// Purging a room's history (Synapse Admin API POST /_synapse/admin/v1/purge_history): a
// background task deleting the room's older events. What stays, as in Synapse: every state
// event (state groups, auth and the room's current state need them), the forward extremities
// and the event the purge is anchored on (only events of lower depth go), and events of local
// senders unless delete_local_events (they may be the only copies anywhere).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/common/random_token.hpp"
#include "services/rooms/room_admin_service.hpp"

namespace myelin::services {

asio::awaitable<std::string> RoomAdminService::start_purge_history(std::string room_id,
                                                                   std::int64_t before_depth,
                                                                   bool delete_local_events) {
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id] { return store.room_admin.tasks_of_room(room_id, kPurgeHistory); };
  std::vector<storage::RoomAdminTask> tasks = co_await ctx_.db(std::move(load));
  for (const storage::RoomAdminTask& task : tasks) {
    if (task.status == "scheduled" || task.status == "active") {
      throw MatrixError::unknown_bad_request("History purge already in progress for " + room_id);
    }
  }
  std::string task_id = random_token(16);
  storage::RoomAdminTask scheduled{task_id,      kPurgeHistory, room_id, "scheduled",
                                   std::nullopt, std::nullopt,  0};
  co_await save_task(std::move(scheduled));
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, run_purge(task_id, room_id, before_depth, delete_local_events),
                 asio::detached);
  co_return task_id;
}

asio::awaitable<void> RoomAdminService::run_purge(std::string task_id, std::string room_id,
                                                  std::int64_t before_depth,
                                                  bool delete_local_events) {
  storage::RoomAdminTask task{task_id,      kPurgeHistory, room_id, "active",
                              std::nullopt, std::nullopt,  0};
  std::optional<std::string> error;
  try {
    co_await save_task(task);
    storage::Store& store = ctx_.store;
    std::string server = ctx_.server_name();
    auto purge = [&store, room_id, before_depth, delete_local_events, server] {
      return store.room_admin.purge_history(room_id, before_depth, delete_local_events, server);
    };
    const std::int64_t deleted = co_await ctx_.db(std::move(purge));
    log::info("room_admin", "purge {} removed {} event(s) of {} below depth {}", task_id, deleted,
              room_id, before_depth);
  } catch (const std::exception& e) {
    error = e.what();
  }
  task.status = error ? "failed" : "complete";
  task.error = error;
  co_await save_task(task);
}

}  // namespace myelin::services
