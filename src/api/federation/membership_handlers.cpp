// The membership handshakes of the server-server API (spec "Joining Rooms", "Knocking upon a
// room", "Inviting to a room", "Leaving Rooms"): the caller is the X-Matrix origin
// (ctx.principal.server_name). Logic in services::MembershipHandshakes.
#include <boost/json/array.hpp>

#include "api/client/json_body.hpp"
#include "api/federation/federation_routes.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

using Reply = boost::asio::awaitable<http::Response>;
using http::RequestContext;

std::vector<std::string> versions_param(const RequestContext& ctx) {
  std::vector<std::string> versions;
  for (std::string_view v : ctx.request.query.get_all("ver")) versions.emplace_back(v);
  return versions;
}

std::string event_id_param(const RequestContext& ctx) {
  const std::string& event_id = ctx.request.param("eventId");
  if (event_id.empty() || event_id[0] != '$') {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid event ID: " + event_id);
  }
  return event_id;
}

// v1 of send_join/send_leave answered [200, body] (deprecated, still sent by old servers).
http::Response v1_answer(bj::object body) {
  bj::array answer;
  answer.emplace_back(200);
  answer.emplace_back(std::move(body));
  return http::Response::json(200, answer);
}

// GET /_matrix/federation/v1/make_join/{roomId}/{userId}?ver= — a join template for a user of
// the calling server; 400 M_INCOMPATIBLE_ROOM_VERSION unless the room's version is in `ver`.
Reply get_make_join(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string user_id = user_id_param(ctx.request);
  std::vector<std::string> versions = versions_param(ctx);
  bj::object answer = co_await ctx.services->membership_federation.serving.make_join(
      ctx.principal.server_name, std::move(room_id), std::move(user_id), std::move(versions));
  co_return ok(std::move(answer));
}

// PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}?omit_members= — the completed join
// enters the room; answers the state before it and its auth chain (members left out on request).
Reply put_send_join(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = event_id_param(ctx);
  bj::object event = body_object(ctx.request);
  const bool omit_members = query_bool(ctx.request, "omit_members", false);
  bj::object answer = co_await ctx.services->membership_federation.serving.send_join(
      ctx.principal.server_name, std::move(room_id), std::move(event_id), std::move(event),
      omit_members);
  co_return ok(std::move(answer));
}

// PUT /_matrix/federation/v1/send_join/{roomId}/{eventId} — deprecated v1: [200, answer].
Reply put_send_join_v1(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = event_id_param(ctx);
  bj::object event = body_object(ctx.request);
  bj::object answer = co_await ctx.services->membership_federation.serving.send_join(
      ctx.principal.server_name, std::move(room_id), std::move(event_id), std::move(event), false);
  answer.erase("members_omitted");
  co_return v1_answer(std::move(answer));
}

// GET /_matrix/federation/v1/make_leave/{roomId}/{userId} — a leave template.
Reply get_make_leave(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string user_id = user_id_param(ctx.request);
  bj::object answer = co_await ctx.services->membership_federation.serving.make_leave(
      ctx.principal.server_name, std::move(room_id), std::move(user_id));
  co_return ok(std::move(answer));
}

// PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId} — the completed leave; {}.
Reply put_send_leave(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = event_id_param(ctx);
  bj::object event = body_object(ctx.request);
  bj::object answer = co_await ctx.services->membership_federation.serving.send_leave(
      ctx.principal.server_name, std::move(room_id), std::move(event_id), std::move(event));
  co_return ok(std::move(answer));
}

// PUT /_matrix/federation/v1/send_leave/{roomId}/{eventId} — deprecated v1: [200, {}].
Reply put_send_leave_v1(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = event_id_param(ctx);
  bj::object event = body_object(ctx.request);
  bj::object answer = co_await ctx.services->membership_federation.serving.send_leave(
      ctx.principal.server_name, std::move(room_id), std::move(event_id), std::move(event));
  co_return v1_answer(std::move(answer));
}

// GET /_matrix/federation/v1/make_knock/{roomId}/{userId}?ver= — a knock template.
Reply get_make_knock(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string user_id = user_id_param(ctx.request);
  std::vector<std::string> versions = versions_param(ctx);
  bj::object answer = co_await ctx.services->membership_federation.serving.make_knock(
      ctx.principal.server_name, std::move(room_id), std::move(user_id), std::move(versions));
  co_return ok(std::move(answer));
}

// PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId} — the completed knock; answers
// knock_room_state.
Reply put_send_knock(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = event_id_param(ctx);
  bj::object event = body_object(ctx.request);
  bj::object answer = co_await ctx.services->membership_federation.serving.send_knock(
      ctx.principal.server_name, std::move(room_id), std::move(event_id), std::move(event));
  co_return ok(std::move(answer));
}

// PUT /_matrix/federation/v2/invite/{roomId}/{eventId} — an invite for one of our users,
// countersigned and shown to them in /sync.
Reply put_invite(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string event_id = event_id_param(ctx);
  bj::object body = body_object(ctx.request);
  bj::object answer = co_await ctx.services->membership_federation.serving.invite(
      ctx.principal.server_name, std::move(room_id), std::move(event_id), std::move(body));
  co_return ok(std::move(answer));
}

}  // namespace

std::vector<http::Route> membership_routes() {
  using http::Method;
  constexpr http::AuthKind kSigned = http::AuthKind::kServerSigned;
  constexpr http::RateLimitClass kFederation = http::RateLimitClass::kFederation;
  return {
      {Method::kGet, "/_matrix/federation/v1/make_join/{roomId}/{userId}", kSigned, kFederation,
       get_make_join},
      {Method::kPut, "/_matrix/federation/v2/send_join/{roomId}/{eventId}", kSigned, kFederation,
       put_send_join},
      {Method::kPut, "/_matrix/federation/v1/send_join/{roomId}/{eventId}", kSigned, kFederation,
       put_send_join_v1},
      {Method::kGet, "/_matrix/federation/v1/make_leave/{roomId}/{userId}", kSigned, kFederation,
       get_make_leave},
      {Method::kPut, "/_matrix/federation/v2/send_leave/{roomId}/{eventId}", kSigned, kFederation,
       put_send_leave},
      {Method::kPut, "/_matrix/federation/v1/send_leave/{roomId}/{eventId}", kSigned, kFederation,
       put_send_leave_v1},
      {Method::kGet, "/_matrix/federation/v1/make_knock/{roomId}/{userId}", kSigned, kFederation,
       get_make_knock},
      {Method::kPut, "/_matrix/federation/v1/send_knock/{roomId}/{eventId}", kSigned, kFederation,
       put_send_knock},
      {Method::kPut, "/_matrix/federation/v2/invite/{roomId}/{eventId}", kSigned, kFederation,
       put_invite},
  };
}

}  // namespace myelin::api
