// A room's history for admins (Synapse Admin API): /messages and /context as the client API
// serves them, without membership or history-visibility checks.
#include <algorithm>

#include "api/admin/admin_room_support.hpp"
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "api/client/room_access.hpp"
#include "api/client/timeline_params.hpp"
#include "base/matrix_error.hpp"
#include "services/filter/filter_match.hpp"
#include "services/rooms/timeline_pages.hpp"
#include "services/sync/sync_token.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bool passes(const filter::RoomEventFilter& event_filter, const storage::EventRecord& e) {
  return filter::matches(event_filter, e.room_id, e.type, e.sender, false);
}

// GET /_synapse/admin/v1/rooms/{roomId}/messages — a page of the room's history, every event.
Reply get_admin_messages(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = ctx.request.param("roomId");
  const std::string dir = query_string(ctx.request, "dir").value_or("f");
  if (dir != "b" && dir != "f") {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter \"dir\" must be one of [\"b\", \"f\"]");
  }
  const bool backwards = dir == "b";
  const std::int64_t limit = messages_limit_param(ctx.request);
  filter::RoomEventFilter event_filter = room_event_filter_param(ctx.request);
  co_await known_room(services, room_id);
  storage::Store& store = services.ctx.store;
  const std::int64_t current = store.stream().current();
  const std::int64_t from = pagination_position_param(ctx.request, "from")
                                .value_or(backwards ? current : services::kTimelineStart);
  std::optional<std::int64_t> to = pagination_position_param(ctx.request, "to");

  services::TimelinePageRequest request;
  request.room_id = room_id;
  request.backwards = backwards;
  request.from = from;
  request.to = to;
  request.limit = limit;
  request.everything_visible = true;
  request.keep = [event_filter](const storage::EventRecord& e) { return passes(event_filter, e); };
  auto paginate = [&store, request] { return services::read_timeline_page(store, request); };
  services::TimelinePage page = co_await services.ctx.db(std::move(paginate));
  bj::object response;
  response["start"] = services::pagination_token(from);
  if (!page.exhausted) response["end"] = services::pagination_token(page.next);
  response["chunk"] = co_await render_for(services, ctx.principal, std::move(page.events));
  response["state"] = bj::array{};
  co_return ok(std::move(response));
}

// GET /_synapse/admin/v1/rooms/{roomId}/context/{eventId} — an event with those around it and
// the room's current state, for investigating reports.
Reply get_admin_context(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = ctx.request.param("roomId");
  std::string event_id = ctx.request.param("eventId");
  const std::int64_t limit = messages_limit_param(ctx.request);
  filter::RoomEventFilter event_filter = room_event_filter_param(ctx.request);
  services::RoomStatePtr room = co_await known_room(services, room_id);
  storage::Store& store = services.ctx.store;

  struct Around {
    std::vector<storage::EventRecord> event, before, after;
    std::int64_t start = 0, end = 0;
  };
  auto load = [&store, room_id, event_id, limit, event_filter] {
    Around around;
    auto record = store.events.event(event_id);
    if (!record || record->room_id != room_id) return around;
    const std::int64_t at = record->stream_ordering;
    around.event.push_back(*record);
    auto keep = [&](std::vector<storage::EventRecord> events) {
      std::erase_if(events, [&](const auto& e) { return !passes(event_filter, e); });
      return events;
    };
    around.before = keep(store.events.room_events(room_id, services::kTimelineStart, at - 1,
                                                  limit / 2, storage::Direction::kBackwards));
    std::reverse(around.before.begin(), around.before.end());
    around.after = keep(store.events.room_events(room_id, at, INT64_MAX, limit - limit / 2,
                                                 storage::Direction::kForwards));
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

}  // namespace

std::vector<http::Route> admin_room_timeline_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr http::RateLimitClass kNoLimit = http::RateLimitClass::kNone;
  return {
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomId}/messages", AuthKind::kAdmin, kNoLimit,
       get_admin_messages},
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomId}/context/{eventId}", AuthKind::kAdmin,
       kNoLimit, get_admin_context},
  };
}

}  // namespace myelin::api
