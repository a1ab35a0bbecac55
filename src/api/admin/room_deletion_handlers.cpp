// Deleting rooms and purging their history (Synapse Admin API): DELETE v1 (synchronous) and v2
// (background, with delete_status), POST v1/purge_history with purge_history_status.
#include <boost/json/parse.hpp>

#include "api/admin/admin_room_support.hpp"
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/user_id.hpp"
#include "services/rooms/timeline_pages.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bool flag(const bj::object& body, const char* key, bool fallback) {
  const bj::value* value = body.if_contains(key);
  if (!value) return fallback;
  if (!value->is_bool()) {
    throw MatrixError(ErrCode::kBadJson,
                      std::string("Param '") + key + "' must be a boolean, if given");
  }
  return value->as_bool();
}

// The body both DELETE versions share; Synapse wants at least {}.
services::DeleteRoomRequest delete_request(http::RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  services::DeleteRoomRequest request;
  request.requester = ctx.principal.user_id;
  request.block = flag(body, "block", false);
  request.purge = flag(body, "purge", true);
  request.force_purge = flag(body, "force_purge", false);
  request.new_room_user_id = optional_string(body, "new_room_user_id");
  if (request.new_room_user_id &&
      !ids::UserId::parse(*request.new_room_user_id, ids::UserIdGrammar::kHistorical)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID: " + *request.new_room_user_id);
  }
  if (auto name = optional_string(body, "room_name")) request.room_name = *name;
  if (auto message = optional_string(body, "message")) request.message = *message;
  return request;
}

bj::object shutdown_object(const std::optional<std::string>& json) {
  if (!json) return bj::object{};
  return bj::parse(*json).as_object();
}

bj::object task_json(const storage::RoomAdminTask& task) {
  bj::object object{{"delete_id", task.task_id},
                    {"room_id", task.room_id},
                    {"status", task.status},
                    {"shutdown_room", shutdown_object(task.result_json)}};
  if (task.error) object["error"] = *task.error;
  return object;
}

// DELETE /_synapse/admin/v2/rooms/{roomId} — starts a deletion; {delete_id}.
Reply delete_room_v2(http::RequestContext& ctx) {
  services::DeleteRoomRequest request = delete_request(ctx);
  std::string room_id = legal_room_id(ctx.request);
  std::string id = co_await ctx.services->room_admin.start_delete(room_id, std::move(request));
  co_return ok({{"delete_id", id}});
}

// DELETE /_synapse/admin/v1/rooms/{roomId} — deletes now; the shutdown_room object.
Reply delete_room_v1(http::RequestContext& ctx) {
  services::DeleteRoomRequest request = delete_request(ctx);
  std::string room_id = legal_room_id(ctx.request);
  services::ShutdownResult result =
      co_await ctx.services->room_admin.delete_room(room_id, std::move(request));
  co_return ok(bj::parse(services::RoomAdminService::shutdown_json(result)).as_object());
}

// GET /_synapse/admin/v2/rooms/{roomId}/delete_status — {results: [...]} of the room's tasks.
Reply get_delete_status_by_room(http::RequestContext& ctx) {
  std::string room_id = legal_room_id(ctx.request);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, room_id] {
    return store.room_admin.tasks_of_room(room_id, services::RoomAdminService::kDeleteRoom);
  };
  std::vector<storage::RoomAdminTask> tasks = co_await ctx.services->ctx.db(std::move(load));
  if (tasks.empty()) {
    throw MatrixError(ErrCode::kNotFound, "No delete task for room_id '" + room_id + "' found");
  }
  bj::array results;
  for (const storage::RoomAdminTask& task : tasks) results.push_back(task_json(task));
  co_return ok({{"results", std::move(results)}});
}

// GET /_synapse/admin/v2/rooms/delete_status/{deleteId} — one task.
Reply get_delete_status(http::RequestContext& ctx) {
  std::string id = ctx.request.param("deleteId");
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, id] { return store.room_admin.task(id); };
  std::optional<storage::RoomAdminTask> task = co_await ctx.services->ctx.db(std::move(load));
  if (!task || task->kind != services::RoomAdminService::kDeleteRoom) {
    throw MatrixError(ErrCode::kNotFound, "delete id '" + id + "' not found");
  }
  co_return ok(task_json(*task));
}

// POST /_synapse/admin/v1/purge_history/{roomId}[/{eventId}] {delete_local_events,
// purge_up_to_event_id | purge_up_to_ts} — starts purging older events; {purge_id}.
Reply post_purge_history(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object_or_empty(ctx.request);
  std::string room_id = ctx.request.param("roomId");
  const bool delete_local = flag(body, "delete_local_events", false);
  std::optional<std::string> event_id;
  for (const auto& [name, value] : ctx.request.path_params) {
    if (name == "eventId") event_id = value;
  }
  if (!event_id) event_id = optional_string(body, "purge_up_to_event_id");
  std::optional<std::int64_t> ts;
  if (!event_id && body.contains("purge_up_to_ts")) {
    const bj::value& value = body.at("purge_up_to_ts");
    if (!value.is_int64()) throw MatrixError(ErrCode::kBadJson, "purge_up_to_ts must be an int");
    ts = value.as_int64();
  }
  if (!event_id && !ts) {
    throw MatrixError(ErrCode::kBadJson, "must specify purge_up_to_event_id or purge_up_to_ts");
  }
  storage::Store& store = services.ctx.store;
  // The purge keeps the anchor event and everything at its depth or above.
  auto anchor = [&store, room_id, event_id, ts]() -> std::optional<storage::EventRecord> {
    if (event_id) return store.events.event(*event_id);
    // The room's newest event received before ts.
    std::optional<storage::EventRecord> newest;
    std::int64_t to = INT64_MAX;
    while (true) {
      auto batch = store.events.room_events(room_id, services::kTimelineStart, to, 100,
                                            storage::Direction::kBackwards);
      if (batch.empty()) return newest;
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
        if (it->origin_server_ts < *ts) return *it;
      }
      to = batch.front().stream_ordering - 1;
    }
  };
  std::optional<storage::EventRecord> kept = co_await services.ctx.db(std::move(anchor));
  if (!kept) {
    throw MatrixError(ErrCode::kNotFound,
                      event_id ? "Event not found" : "there is no event to be purged");
  }
  if (kept->room_id != room_id) throw MatrixError::unknown_bad_request("Event is for wrong room.");
  std::string id =
      co_await services.room_admin.start_purge_history(room_id, kept->depth, delete_local);
  log::info("admin", "{} purges {} below depth {} ({})", ctx.principal.user_id, room_id,
            kept->depth, id);
  co_return ok({{"purge_id", id}});
}

// GET /_synapse/admin/v1/purge_history_status/{purgeId} — {status, error?}.
Reply get_purge_history_status(http::RequestContext& ctx) {
  std::string id = ctx.request.param("purgeId");
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, id] { return store.room_admin.task(id); };
  std::optional<storage::RoomAdminTask> task = co_await ctx.services->ctx.db(std::move(load));
  if (!task || task->kind != services::RoomAdminService::kPurgeHistory) {
    throw MatrixError(ErrCode::kNotFound, "purge id '" + id + "' not found");
  }
  // Synapse shows a scheduled purge as active.
  const bool done = task->status == "complete" || task->status == "failed";
  bj::object response{{"status", done ? task->status : "active"}};
  if (task->error) response["error"] = *task->error;
  co_return ok(std::move(response));
}

}  // namespace

std::vector<http::Route> admin_room_deletion_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr http::RateLimitClass kNoLimit = http::RateLimitClass::kNone;
  return {
      {Method::kDelete, "/_synapse/admin/v2/rooms/{roomId}", AuthKind::kAdmin, kNoLimit,
       delete_room_v2},
      {Method::kDelete, "/_synapse/admin/v1/rooms/{roomId}", AuthKind::kAdmin, kNoLimit,
       delete_room_v1},
      {Method::kGet, "/_synapse/admin/v2/rooms/{roomId}/delete_status", AuthKind::kAdmin, kNoLimit,
       get_delete_status_by_room},
      {Method::kGet, "/_synapse/admin/v2/rooms/delete_status/{deleteId}", AuthKind::kAdmin,
       kNoLimit, get_delete_status},
      {Method::kPost, "/_synapse/admin/v1/purge_history/{roomId}", AuthKind::kAdmin, kNoLimit,
       post_purge_history},
      {Method::kPost, "/_synapse/admin/v1/purge_history/{roomId}/{eventId}", AuthKind::kAdmin,
       kNoLimit, post_purge_history},
      {Method::kGet, "/_synapse/admin/v1/purge_history_status/{purgeId}", AuthKind::kAdmin,
       kNoLimit, get_purge_history_status},
  };
}

}  // namespace myelin::api
