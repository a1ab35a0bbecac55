// Typing notifications, receipts, read markers and presence (spec client-server API modules
// "Typing Notifications", "Receipts", "Read and unread markers", "Presence").
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <set>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/room_access.hpp"
#include "base/matrix_error.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/parse.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse's cap on a typing timeout (the spec leaves it to the server).
constexpr std::int64_t kMaxTypingTimeoutMs = 120'000;
constexpr std::int64_t kDefaultTypingTimeoutMs = 30'000;
// Spec "Threaded read receipts": receipts for events outside any thread.
constexpr std::string_view kMainThread = "main";

// The event's m.relates_to as {rel_type, event_id}, both empty when it has none.
std::pair<std::string, std::string> relation_of(const storage::EventRecord& event) {
  auto pdu = json::parse_object(event.pdu_json);
  if (!pdu) return {};
  const bj::object* content = json::find_object(*pdu, "content");
  const bj::object* relates = content ? json::find_object(*content, "m.relates_to") : nullptr;
  if (!relates) return {};
  return {std::string(json::find_string(*relates, "rel_type").value_or("")),
          std::string(json::find_string(*relates, "event_id").value_or(""))};
}

// Whether a receipt for `event` may be sent under `thread_id` (spec: 400 when "the event_id is
// not related to the thread_id"). A thread holds its root, the events with an m.thread
// relation to it, and the events relating to those (a reaction or edit of a thread reply), as
// Synapse counts them; everything else is in the main timeline. Blocking: database thread.
bool event_in_thread(storage::Store& store, const storage::EventRecord& event,
                     const std::string& thread_id) {
  if (event.event_id == thread_id) return true;  // the root is part of its own thread
  auto [rel_type, parent] = relation_of(event);
  std::string event_thread(kMainThread);
  if (rel_type == "m.thread") {
    event_thread = parent;
  } else if (!parent.empty()) {
    if (auto related = store.events.event(parent); related && related->room_id == event.room_id) {
      auto [parent_rel, root] = relation_of(*related);
      if (parent_rel == "m.thread") event_thread = root;
    }
  }
  return event_thread == thread_id;
}

enum class ReceiptOutcome { kRecorded, kUnchanged, kNoSuchEvent, kNotInThread };

// Records a receipt (or the m.fully_read marker) for an event of the room and wakes whoever
// sees it: the room's joined local users for m.read, only the owner otherwise (private
// receipts and the marker are the user's own).
boost::asio::awaitable<void> record_receipt(Services& services, services::RoomStatePtr room,
                                            std::string user_id, std::string receipt_type,
                                            std::string event_id, std::string thread_id) {
  storage::Store& store = services.ctx.store;
  std::string room_id = room->room_id;
  const std::int64_t now = services.ctx.now_ms();
  auto save = [&store, room_id, user_id, receipt_type, event_id, thread_id, now] {
    auto event = store.events.event(event_id);
    if (!event || event->room_id != room_id) return ReceiptOutcome::kNoSuchEvent;
    if (!thread_id.empty() && !event_in_thread(store, *event, thread_id)) {
      return ReceiptOutcome::kNotInThread;
    }
    if (receipt_type == "m.fully_read") {
      // The marker only moves forwards (Synapse ignores one for an earlier event).
      if (auto current = store.user_data.account_data(user_id, room_id, "m.fully_read")) {
        auto parsed = json::parse_object(*current);
        auto current_id = parsed ? json::find_string(*parsed, "event_id") : std::nullopt;
        if (current_id) {
          auto current_event = store.events.event(std::string(*current_id));
          if (current_event && current_event->stream_ordering >= event->stream_ordering) {
            return ReceiptOutcome::kUnchanged;
          }
        }
      }
      bj::object content{{"event_id", event_id}};
      store.user_data.put_account_data(user_id, room_id, "m.fully_read", bj::serialize(content));
    } else {
      // As Synapse: a receipt for an event before the current one is ignored.
      auto current = store.user_data.receipt_position(room_id, receipt_type, user_id, thread_id);
      if (current && *current >= event->stream_ordering) return ReceiptOutcome::kUnchanged;
      store.user_data.put_receipt(
          {room_id, receipt_type, user_id, thread_id, event_id, event->stream_ordering, now, 0});
    }
    return ReceiptOutcome::kRecorded;
  };
  const ReceiptOutcome outcome = co_await services.ctx.db(std::move(save));
  switch (outcome) {
    case ReceiptOutcome::kNoSuchEvent:
      throw MatrixError(ErrCode::kNotFound, "Event " + event_id + " not found in this room");
    case ReceiptOutcome::kNotInThread:
      throw MatrixError(ErrCode::kInvalidParam, "event_id is not related to thread_id");
    case ReceiptOutcome::kUnchanged:
      co_return;
    case ReceiptOutcome::kRecorded:
      break;
  }
  if (receipt_type == "m.read") {
    services.ctx.notifier.notify(room->joined_local_users);
    services.federation_sender.send_receipt(room_id, user_id, event_id, thread_id, now);
  } else {
    services.ctx.notifier.notify(user_id);
  }
}

void check_receipt_type(const std::string& type) {
  if (type != "m.read" && type != "m.read.private" && type != "m.fully_read") {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Receipt type must be m.read, m.read.private or m.fully_read");
  }
}

// The body's thread_id ("" when absent: an unthreaded receipt). Spec: 400 M_INVALID_PARAM when
// it is not a string, empty, or given for a receipt type without threads.
std::string thread_id_of(const bj::object& body, const std::string& receipt_type) {
  const bj::value* value = body.if_contains("thread_id");
  if (!value) return "";
  if (!value->is_string() || value->get_string().empty()) {
    throw MatrixError(ErrCode::kInvalidParam, "thread_id field must be a non-empty string");
  }
  std::string thread_id(json::view(value->get_string()));
  if (receipt_type == "m.fully_read") {
    throw MatrixError(ErrCode::kInvalidParam,
                      "thread_id is not compatible with m.fully_read receipts");
  }
  if (thread_id != kMainThread && thread_id[0] != '$') {
    throw MatrixError(ErrCode::kInvalidParam, "thread_id must be 'main' or an event ID");
  }
  return thread_id;
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
  if (!typing || !typing->is_bool()) {
    throw MatrixError(ErrCode::kBadJson, "'typing' must be a boolean");
  }
  const std::int64_t timeout = std::clamp<std::int64_t>(
      optional_int(body, "timeout").value_or(kDefaultTypingTimeoutMs), 0, kMaxTypingTimeoutMs);
  services::RoomStatePtr room = co_await joined_room(services, room_id, user_id);
  const std::int64_t now = services.ctx.now_ms();
  if (services.typing.set_typing(room_id, user_id, typing->as_bool(), now + timeout, now)) {
    services.ctx.notifier.notify(room->joined_local_users);
  }
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId} — a read receipt
// (public, private, threaded or not) or the fully-read marker, for an event of the room.
Reply post_receipt(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  std::string receipt_type = ctx.request.param("receiptType");
  check_receipt_type(receipt_type);
  std::string event_id = ctx.request.param("eventId");
  bj::object body = body_object_or_empty(ctx.request);
  std::string thread_id = thread_id_of(body, receipt_type);
  std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await joined_room(services, room_id, user_id);
  co_await record_receipt(services, room, user_id, receipt_type, event_id, thread_id);
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/read_markers — the fully-read marker and unthreaded
// read receipts (public and private), each optional.
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

// GET /_matrix/client/v3/presence/{userId}/status — a user's presence, for the user and those
// sharing a room with them (403 for others, as Synapse); 404 for an unknown user.
Reply get_presence(RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  std::string viewer = ctx.principal.user_id;
  storage::Store& store = ctx.services->ctx.store;
  struct Found {
    std::optional<storage::PresenceRecord> presence;
    bool exists = false;
    bool visible = false;
  };
  auto load = [&store, user_id, viewer] {
    Found found{store.user_data.presence(user_id), store.accounts.user_exists(user_id), false};
    found.visible = user_id == viewer;
    if (found.exists && !found.visible) {
      std::set<std::string> rooms;
      for (const auto& m : store.events.memberships_of_user(user_id)) {
        if (m.membership == "join") rooms.insert(m.room_id);
      }
      for (const auto& m : store.events.memberships_of_user(viewer)) {
        if (m.membership == "join" && rooms.contains(m.room_id)) found.visible = true;
      }
    }
    return found;
  };
  Found found = co_await ctx.services->ctx.db(std::move(load));
  if (!found.exists && !found.presence) {
    throw MatrixError(ErrCode::kNotFound, "Unknown user " + user_id);
  }
  if (!found.visible)
    throw MatrixError(ErrCode::kForbidden, "You are not allowed to see their presence");
  if (!found.presence) co_return ok({{"presence", "offline"}});
  const storage::PresenceRecord& presence = *found.presence;
  const std::int64_t now = ctx.services->ctx.now_ms();
  // A syncing user's state is written only when it changes; the service knows when they were
  // last active in this process.
  const std::int64_t last_active =
      std::max(presence.last_active_ts, ctx.services->presence.last_active_ms(user_id).value_or(0));
  bj::object response{{"presence", presence.state},
                      {"last_active_ago", std::max<std::int64_t>(0, now - last_active)},
                      {"currently_active", presence.state == "online"}};
  if (presence.status_msg) response["status_msg"] = *presence.status_msg;
  co_return ok(std::move(response));
}

// PUT /_matrix/client/v3/presence/{userId}/status — sets the user's own presence; an absent
// status_msg clears the message.
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
  co_await ctx.services->presence.set_status(user_id, state, status_msg);
  co_return ok();
}

}  // namespace myelin::api
