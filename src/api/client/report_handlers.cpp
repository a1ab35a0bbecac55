// Users reporting events and rooms to the server's admins (spec client-server API "Reporting
// content"); admins read them through /_synapse/admin/v1/event_reports.
#include "api/client/report_handlers.hpp"

#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

using Reply = boost::asio::awaitable<http::Response>;

// POST /_matrix/client/v3/rooms/{roomId}/report/{eventId} {reason?, score?} — 404 when the
// event is unknown or the reporter cannot see it.
Reply post_report_event(http::RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = ctx.request.param("eventId");
  std::optional<std::string> reason;
  if (const bj::value* value = body.if_contains("reason"); value && !value->is_null()) {
    if (!value->is_string())
      throw MatrixError(ErrCode::kBadJson, "Param 'reason' must be a string");
    reason = std::string(value->as_string());
  }
  std::optional<std::int64_t> score;
  if (const bj::value* value = body.if_contains("score"); value && !value->is_null()) {
    if (!value->is_int64())
      throw MatrixError(ErrCode::kBadJson, "Param 'score' must be an integer");
    score = value->as_int64();
  }
  std::string reporter = ctx.principal.user_id;
  co_await ctx.services->room_admin.report_event(room_id, event_id, reporter, std::move(reason),
                                                 score);
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/report {reason} — reports a whole room.
Reply post_report_room(http::RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::string reason = required_string(body, "reason");
  Services& services = *ctx.services;
  services::RoomStatePtr room = co_await services.rooms.room(room_id);
  if (!room) throw MatrixError(ErrCode::kNotFound, "Room does not exist");
  storage::Store& store = services.ctx.store;
  std::string reporter = ctx.principal.user_id;
  const std::int64_t now = services.ctx.now_ms();
  auto file = [&store, room_id, reporter, reason, now] {
    store.room_admin.add_room_report(room_id, reporter, reason, now);
  };
  co_await services.ctx.db(std::move(file));
  log::info("reports", "{} reported room {}", reporter, room_id);
  co_return ok();
}

}  // namespace

std::vector<http::Route> report_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr http::RateLimitClass kDefault = http::RateLimitClass::kDefault;
  return {
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/report/{eventId}", AuthKind::kUser,
       kDefault, post_report_event},
      {Method::kPost, "/_matrix/client/v3/rooms/{roomId}/report", AuthKind::kUser, kDefault,
       post_report_room},
  };
}

}  // namespace myelin::api
