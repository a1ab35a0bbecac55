// Typing notifications, receipts, read markers and presence (spec client-server API modules
// "Typing Notifications", "Receipts", "Read and unread markers", "Presence").
#include <boost/json/serialize.hpp>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/room_access.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse's cap on a typing timeout (the spec leaves it to the server).
constexpr std::int64_t kMaxTypingTimeoutMs = 120'000;
constexpr std::int64_t kDefaultTypingTimeoutMs = 30'000;

// Records a receipt (or the m.fully_read marker) for an event of the room and wakes whoever
// sees it: the room's joined local users, or only the owner for private receipts.
boost::asio::awaitable<void> record_receipt(Services& services, services::RoomStatePtr room,
                                            std::string user_id, std::string receipt_type,
                                            std::string event_id, std::string thread_id) {
  storage::Store& store = services.ctx.store;
  std::string room_id = room->room_id;
  const std::int64_t now = services.ctx.now_ms();
  auto save = [&store, room_id, user_id, receipt_type, event_id, thread_id, now] {
    auto event = store.events.event(event_id);
    if (!event || event->room_id != room_id) return false;
    if (receipt_type == "m.fully_read") {
      bj::object content{{"event_id", event_id}};
      store.user_data.put_account_data(user_id, room_id, "m.fully_read", bj::serialize(content));
    } else {
      store.user_data.put_receipt(
          {room_id, receipt_type, user_id, thread_id, event_id, event->stream_ordering, now, 0});
    }
    return true;
  };
  const bool found = co_await services.ctx.db(std::move(save));
  if (!found) throw MatrixError(ErrCode::kNotFound, "Event " + event_id + " not found");
  if (receipt_type == "m.read") {
    services.ctx.notifier.notify(room->joined_local_users);
  } else {
    services.ctx.notifier.notify(user_id);
  }
}

void check_receipt_type(const std::string& type) {
  if (type != "m.read" && type != "m.read.private" && type != "m.fully_read") {
    throw MatrixError(ErrCode::kInvalidParam, "Unknown receipt type " + type);
  }
}

}  // namespace

// PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId} — starts or stops the user's typing.
Reply put_typing(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  std::string user_id = user_id_param(ctx.request);
  if (user_id != ctx.principal.user_id) {
    throw MatrixError(ErrCode::kForbidden, "Cannot set another user's typing state");
  }
  bj::object body = body_object(ctx.request);
  const bj::value* typing = body.if_contains("typing");
  if (!typing || !typing->is_bool())
    throw MatrixError(ErrCode::kBadJson, "'typing' must be a boolean");
  const std::int64_t timeout = std::min(
      optional_int(body, "timeout").value_or(kDefaultTypingTimeoutMs), kMaxTypingTimeoutMs);
  services::RoomStatePtr room = co_await joined_room(services, room_id, user_id);
  const std::int64_t now = services.ctx.now_ms();
  if (services.typing.set_typing(room_id, user_id, typing->as_bool(), now + timeout, now)) {
    services.ctx.notifier.notify(room->joined_local_users);
  }
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} — a read receipt
// (public, private or threaded) or the fully-read marker.
Reply post_receipt(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  std::string receipt_type = ctx.request.param("receiptType");
  check_receipt_type(receipt_type);
  std::string event_id = ctx.request.param("eventId");
  bj::object body = body_object_or_empty(ctx.request);
  std::string thread_id = optional_string(body, "thread_id").value_or("");
  if (!thread_id.empty() && thread_id != "main" && thread_id[0] != '$') {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid thread_id");
  }
  if (!thread_id.empty() && receipt_type == "m.fully_read") {
    throw MatrixError(ErrCode::kInvalidParam, "m.fully_read has no thread");
  }
  std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await joined_room(services, room_id, user_id);
  co_await record_receipt(services, room, user_id, receipt_type, event_id, thread_id);
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/read_markers — fully-read marker and read receipts.
Reply post_read_markers(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  bj::object body = body_object(ctx.request);
  std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await joined_room(services, room_id, user_id);
  for (const char* type : {"m.fully_read", "m.read", "m.read.private"}) {
    std::optional<std::string> event_id = optional_string(body, type);
    if (!event_id) continue;
    std::string receipt_type = type;
    std::string no_thread;
    co_await record_receipt(services, room, user_id, receipt_type, *event_id, no_thread);
  }
  co_return ok();
}

// GET /_matrix/client/v3/presence/{userId}/status — a user's presence.
Reply get_presence(RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id] {
    return std::pair{store.user_data.presence(user_id), store.accounts.user_exists(user_id)};
  };
  auto [presence, exists] = co_await ctx.services->ctx.db(std::move(load));
  if (!exists && !presence) throw MatrixError(ErrCode::kNotFound, "Unknown user " + user_id);
  const std::int64_t now = ctx.services->ctx.now_ms();
  if (!presence) co_return ok({{"presence", "offline"}});
  bj::object response{
      {"presence", presence->state},
      {"last_active_ago", std::max<std::int64_t>(0, now - presence->last_active_ts)},
      {"currently_active", presence->state == "online"}};
  if (presence->status_msg) response["status_msg"] = *presence->status_msg;
  co_return ok(std::move(response));
}

// PUT /_matrix/client/v3/presence/{userId}/status — sets the user's own presence.
Reply put_presence(RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  if (user_id != ctx.principal.user_id) {
    throw MatrixError(ErrCode::kForbidden, "Cannot set another user's presence");
  }
  bj::object body = body_object(ctx.request);
  std::string state = required_string(body, "presence");
  if (state != "online" && state != "offline" && state != "unavailable") {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid presence state " + state);
  }
  std::optional<std::string> status_msg = optional_string(body, "status_msg");
  co_await ctx.services->presence.set(user_id, state, status_msg);
  co_return ok();
}

}  // namespace myelin::api
