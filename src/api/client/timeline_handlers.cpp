// Reading a room's history and members (spec client-server API "Getting events for a room").
#include <limits>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/room_access.hpp"
#include "api/client/timeline_params.hpp"
#include "base/matrix_error.hpp"
#include "services/filter/filter_match.hpp"
#include "services/filter/lazy_members.hpp"
#include "services/rooms/timeline_pages.hpp"
#include "services/rooms/visibility.hpp"
#include "services/sync/sync_token.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// The highest position the user may read: everything while joined; up to their leave or ban.
boost::asio::awaitable<std::int64_t> readable_up_to(Services& services, std::string room_id,
                                                    std::string user_id, std::string membership) {
  if (membership == "join") co_return std::numeric_limits<std::int64_t>::max();
  if (membership == "leave" || membership == "ban") {
    storage::Store& store = services.ctx.store;
    auto load = [&store, room_id, user_id] { return store.events.membership(room_id, user_id); };
    auto record = co_await services.ctx.db(std::move(load));
    if (record) co_return record->stream_ordering;
  }
  throw MatrixError(ErrCode::kForbidden, "User " + user_id + " not in room " + room_id);
}

}  // namespace

// GET /_matrix/client/v3/rooms/{roomId}/messages — a page of history in either direction, with
// the member events of its senders when the filter lazy-loads them.
Reply get_messages(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  const std::string dir = query_string(ctx.request, "dir").value_or("");
  if (dir != "b" && dir != "f") {
    throw MatrixError(ErrCode::kInvalidParam, "'dir' must be 'b' or 'f'");
  }
  const bool backwards = dir == "b";
  const std::int64_t limit = messages_limit_param(ctx.request);
  filter::RoomEventFilter event_filter = room_event_filter_param(ctx.request);
  std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await services.rooms.require_room(room_id);
  std::string membership = room->membership_of(user_id);
  const std::int64_t ceiling = co_await readable_up_to(services, room_id, user_id, membership);

  const std::int64_t current = services.ctx.store.stream().current();
  std::int64_t from =
      pagination_position_param(ctx.request, "from").value_or(backwards ? current : 0);
  std::optional<std::int64_t> to = pagination_position_param(ctx.request, "to");
  storage::Store& store = services.ctx.store;
  services::TimelinePageRequest request{.room_id = room_id,
                                        .user_id = user_id,
                                        .membership = membership,
                                        .backwards = backwards,
                                        .from = from,
                                        .to = to,
                                        .limit = limit,
                                        .ceiling = ceiling,
                                        .keep = [event_filter](const storage::EventRecord& e) {
                                          return filter::matches(event_filter, e.room_id, e.type,
                                                                 e.sender, false);
                                        }};
  // Backwards past the start of what this server holds, older events come from the room's
  // other servers first (RoomService::timeline_page).
  services::TimelinePage page = co_await services.rooms.timeline_page(std::move(request));

  std::vector<std::string> member_ids;
  if (event_filter.lazy_load_members) {
    std::vector<filter::TimelineEventRef> refs;
    for (const auto& e : page.events) refs.push_back({e.event_id, e.sender, e.type, e.state_key});
    for (const std::string& key : filter::lazy_member_state_keys(refs, "")) {
      if (const events::Pdu* member = room->find("m.room.member", key)) {
        member_ids.push_back(member->event_id());
      }
    }
  }
  auto load_members = [&store, member_ids] { return store.events.events(member_ids); };
  std::vector<storage::EventRecord> members = co_await services.ctx.db(std::move(load_members));

  bj::object response;
  response["start"] = services::pagination_token(from);
  if (!page.exhausted) response["end"] = services::pagination_token(page.next);
  response["chunk"] = co_await render_for(services, ctx.principal, std::move(page.events));
  if (!members.empty()) {
    response["state"] = co_await render_for(services, ctx.principal, std::move(members));
  }
  co_return ok(std::move(response));
}

// GET /_matrix/client/v3/rooms/{roomId}/context/{eventId} — an event with the events around it.
Reply get_context(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = ctx.request.param("eventId");
  const std::int64_t limit = context_limit_param(ctx.request);
  filter::RoomEventFilter event_filter = room_event_filter_param(ctx.request);
  std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await services.rooms.require_room(room_id);
  std::string membership = room->membership_of(user_id);
  const std::int64_t ceiling = co_await readable_up_to(services, room_id, user_id, membership);
  storage::Store& store = services.ctx.store;

  struct Around {
    std::vector<storage::EventRecord> event, before, after;
    std::int64_t start = 0, end = 0;
  };
  auto load = [&store, room_id, event_id, user_id, membership, limit, ceiling, event_filter] {
    Around around;
    auto record = store.events.event(event_id);
    if (!record || record->room_id != room_id || record->stream_ordering > ceiling) return around;
    const std::int64_t at = record->stream_ordering;
    around.event = services::visible_events(store, user_id, membership, {*record});
    if (around.event.empty()) return around;
    const auto before_count = static_cast<std::size_t>(limit / 2);
    const auto after_count = static_cast<std::size_t>(limit - limit / 2);
    auto keep = [&](std::vector<storage::EventRecord> events) {
      std::vector<storage::EventRecord> kept;
      for (auto& e : services::visible_events(store, user_id, membership, std::move(events))) {
        if (filter::matches(event_filter, e.room_id, e.type, e.sender, false)) {
          kept.push_back(std::move(e));
        }
      }
      return kept;
    };
    around.before = keep(store.events.room_events(room_id, services::kTimelineStart, at - 1,
                                                  before_count, storage::Direction::kBackwards));
    std::reverse(around.before.begin(), around.before.end());
    around.after = keep(
        store.events.room_events(room_id, at, ceiling, after_count, storage::Direction::kForwards));
    around.start = around.before.empty() ? at - 1 : around.before.back().stream_ordering - 1;
    around.end = around.after.empty() ? at : around.after.back().stream_ordering;
    return around;
  };
  Around around = co_await services.ctx.db(std::move(load));
  if (around.event.empty()) throw MatrixError(ErrCode::kNotFound, "Event not found.");

  std::vector<std::string> state_ids;
  for (const auto& [key, pdu] : *room->state) state_ids.push_back(pdu->event_id());
  auto load_state = [&store, state_ids] { return store.events.events(state_ids); };
  std::vector<storage::EventRecord> state = co_await services.ctx.db(std::move(load_state));

  bj::object response;
  bj::array event = co_await render_for(services, ctx.principal, std::move(around.event));
  response["event"] = event.at(0);
  response["events_before"] =
      co_await render_for(services, ctx.principal, std::move(around.before));
  response["events_after"] = co_await render_for(services, ctx.principal, std::move(around.after));
  response["start"] = services::pagination_token(around.start);
  response["end"] = services::pagination_token(around.end);
  response["state"] = co_await render_for(services, ctx.principal, std::move(state));
  co_return ok(std::move(response));
}

// GET /_matrix/client/v3/rooms/{roomId}/members — member events, filtered by membership.
Reply get_members(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = room_id_param(ctx.request);
  services::RoomStatePtr room = co_await joined_room(services, room_id, ctx.principal.user_id);
  auto only = query_string(ctx.request, "membership");
  auto except = query_string(ctx.request, "not_membership");
  std::vector<std::string> ids;
  for (auto it = room->state->lower_bound(auth::StateKey("m.room.member", ""));
       it != room->state->end() && it->first.first == "m.room.member"; ++it) {
    std::string_view membership = it->second->membership();
    if (only && membership != *only) continue;
    if (except && membership == *except) continue;
    ids.push_back(it->second->event_id());
  }
  storage::Store& store = services.ctx.store;
  auto load = [&store, ids] { return store.events.events(ids); };
  std::vector<storage::EventRecord> records = co_await services.ctx.db(std::move(load));
  bj::array chunk = co_await render_for(services, ctx.principal, std::move(records));
  co_return ok({{"chunk", std::move(chunk)}});
}

// GET /_matrix/client/v3/rooms/{roomId}/joined_members — joined users with their profiles.
Reply get_joined_members(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  services::RoomStatePtr room = co_await joined_room(*ctx.services, room_id, ctx.principal.user_id);
  bj::object joined;
  for (auto it = room->state->lower_bound(auth::StateKey("m.room.member", ""));
       it != room->state->end() && it->first.first == "m.room.member"; ++it) {
    if (it->second->membership() != "join") continue;
    // Both keys, null when unset, as Synapse answers (nio's schema requires them).
    bj::object profile{{"display_name", nullptr}, {"avatar_url", nullptr}};
    const bj::object& content = it->second->content();
    if (auto* name = content.if_contains("displayname"); name && name->is_string()) {
      profile["display_name"] = *name;
    }
    if (auto* avatar = content.if_contains("avatar_url"); avatar && avatar->is_string()) {
      profile["avatar_url"] = *avatar;
    }
    joined[it->first.second] = std::move(profile);
  }
  co_return ok({{"joined", std::move(joined)}});
}

}  // namespace myelin::api
