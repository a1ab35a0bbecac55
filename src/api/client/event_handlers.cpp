// Sending events and reading them one at a time (spec client-server API "Sending events to a
// room", "Getting events for a room", "Redactions").
#include "api/client/account_restrictions.hpp"
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/room_access.hpp"
#include "base/matrix_error.hpp"
#include "services/rooms/visibility.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 255 bytes: spec "Size limits" for type and state_key.
constexpr std::size_t kMaxTypeBytes = 255;

void check_field_size(const std::string& value, const char* what) {
  if (value.size() > kMaxTypeBytes) {
    throw MatrixError(ErrCode::kTooLarge, std::string(what) + " is longer than 255 bytes");
  }
}

}  // namespace

// PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} — idempotent per (device, txnId).
Reply put_send(RequestContext& ctx) {
  bj::object content = body_object(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  services::EventDraft draft;
  draft.sender = ctx.principal.user_id;
  draft.type = ctx.request.param("eventType");
  check_field_size(draft.type, "Event type");
  if (draft.type == "m.room.redaction") {
    if (auto* redacts = content.if_contains("redacts"); redacts && redacts->is_string()) {
      draft.redacts = std::string(redacts->as_string());
    }
  }
  draft.content = std::move(content);
  co_await refuse_if_suspended(ctx, "Sending messages");
  const bool hidden = co_await shadow_banned(ctx);
  if (hidden) co_return ok({{"event_id", fake_event_id()}});
  services::SendOptions options{ctx.principal.device_id, ctx.request.param("txnId")};
  services::SendResult sent =
      co_await ctx.services->rooms.send_event(room_id, std::move(draft), std::move(options));
  co_return ok({{"event_id", sent.event_id}});
}

// PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} — sets state; repeating the
// current content returns the current event instead of a new one (as Synapse does).
Reply put_state(RequestContext& ctx) {
  bj::object content = body_object(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::string state_key;
  for (const auto& [name, value] : ctx.request.path_params) {
    if (name == "stateKey") state_key = value;
  }
  services::EventDraft draft;
  draft.sender = ctx.principal.user_id;
  draft.type = ctx.request.param("eventType");
  draft.state_key = state_key;
  check_field_size(draft.type, "Event type");
  check_field_size(state_key, "State key");
  co_await refuse_if_suspended(ctx, "Changing room state");
  const bool hidden = co_await shadow_banned(ctx);
  if (hidden) co_return ok({{"event_id", fake_event_id()}});
  services::RoomStatePtr room = co_await ctx.services->rooms.require_room(room_id);
  if (const events::Pdu* current = room->find(draft.type, state_key);
      current && current->sender() == draft.sender && current->content() == content) {
    co_return ok({{"event_id", current->event_id()}});
  }
  draft.content = std::move(content);
  services::SendOptions no_transaction;
  services::SendResult sent =
      co_await ctx.services->rooms.send_event(room_id, std::move(draft), std::move(no_transaction));
  co_return ok({{"event_id", sent.event_id}});
}

// GET /_matrix/client/v3/rooms/{roomId}/state — the current state (members), or the state when
// the user left.
Reply get_state(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  services::RoomStatePtr room = co_await services.rooms.require_room(room_id);
  const std::string membership = room->membership_of(ctx.principal.user_id);
  std::vector<std::string> ids;
  storage::Store& store = services.ctx.store;
  if (membership == "join") {
    for (const auto& [key, pdu] : *room->state) ids.push_back(pdu->event_id());
  } else if (membership == "leave" || membership == "ban") {
    const events::Pdu* own = room->find("m.room.member", ctx.principal.user_id);
    std::string own_id = own->event_id();
    auto at_leave = [&store, own_id] {
      std::vector<std::string> found;
      auto record = store.events.event(own_id);
      if (!record) return found;
      for (auto& [key, id] : store.events.state_group_entries(record->state_group)) {
        found.push_back(id);
      }
      return found;
    };
    ids = co_await services.ctx.db(std::move(at_leave));
  } else {
    throw MatrixError(ErrCode::kForbidden,
                      "User " + ctx.principal.user_id + " not in room " + room_id);
  }
  auto load = [&store, ids] { return store.events.events(ids); };
  std::vector<storage::EventRecord> records = co_await services.ctx.db(std::move(load));
  bj::array events = co_await render_for(services, ctx.principal, std::move(records));
  co_return http::Response::json(200, events);
}

// GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey} — one state event's
// content (or the whole event with ?format=event).
Reply get_state_event(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  std::string state_key;
  for (const auto& [name, value] : ctx.request.path_params) {
    if (name == "stateKey") state_key = value;
  }
  services::RoomStatePtr room = co_await joined_room(services, room_id, ctx.principal.user_id);
  const events::Pdu* event = room->find(ctx.request.param("eventType"), state_key);
  if (!event) throw MatrixError(ErrCode::kNotFound, "Event not found.");
  if (query_string(ctx.request, "format") == "event") {
    storage::Store& store = services.ctx.store;
    std::string id = event->event_id();
    auto load = [&store, id] { return store.events.events({id}); };
    bj::array rendered =
        co_await render_for(services, ctx.principal, co_await services.ctx.db(std::move(load)));
    co_return ok(rendered.at(0).as_object());
  }
  // Redacted state reads back as its redacted content.
  co_return ok(event->content());
}

// PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId} — redacts an event.
Reply put_redact(RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::string target = ctx.request.param("eventId");
  services::RoomStatePtr room = co_await ctx.services->rooms.require_room(room_id);
  services::EventDraft draft;
  draft.sender = ctx.principal.user_id;
  draft.type = "m.room.redaction";
  draft.redacts = target;
  if (auto reason = optional_string(body, "reason")) draft.content["reason"] = *reason;
  // v11+ carry redacts in content (rooms/v11 "Moving the redacts key").
  if (room->version->updated_redaction_rules) draft.content["redacts"] = target;
  services::SendOptions options{ctx.principal.device_id, "redact:" + ctx.request.param("txnId")};
  services::SendResult sent =
      co_await ctx.services->rooms.send_event(room_id, std::move(draft), std::move(options));
  co_return ok({{"event_id", sent.event_id}});
}

// GET /_matrix/client/v3/rooms/{roomId}/event/{eventId} — one event the user may see.
Reply get_event(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = ctx.request.param("eventId");
  std::string user_id = ctx.principal.user_id;
  std::string membership = co_await membership_in(services, room_id, user_id);
  storage::Store& store = services.ctx.store;
  auto load = [&store, event_id, room_id, user_id, membership] {
    std::vector<storage::EventRecord> found;
    auto record = store.events.event(event_id);
    if (!record || record->room_id != room_id) return found;
    found.push_back(std::move(*record));
    return services::visible_events(store, user_id, membership, std::move(found));
  };
  std::vector<storage::EventRecord> found = co_await services.ctx.db(std::move(load));
  if (found.empty()) throw MatrixError(ErrCode::kNotFound, "Event not found.");
  bj::array rendered = co_await render_for(services, ctx.principal, std::move(found));
  co_return ok(rendered.at(0).as_object());
}

}  // namespace myelin::api
