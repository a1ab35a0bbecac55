// Acting in rooms as an admin (Synapse Admin API): make_room_admin, joining a local user to a
// room (v1/join), and a room's forward extremities.
#include "api/admin/admin_room_support.hpp"
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/user_id.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// POST /_synapse/admin/v1/rooms/{roomIdOrAlias}/make_room_admin {user_id?} — gives the user
// (the caller by default) the power of the room's most powerful local member.
Reply post_make_room_admin(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object_or_empty(ctx.request);
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::string room_id = co_await resolve_room_id_or_alias(services, id_or_alias);
  std::string user_id = optional_string(body, "user_id").value_or(ctx.principal.user_id);
  if (!ids::UserId::parse(user_id, ids::UserIdGrammar::kHistorical)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID: " + user_id);
  }
  co_await services.room_admin.make_room_admin(room_id, user_id);
  log::info("admin", "{} made {} an admin of {}", ctx.principal.user_id, user_id, room_id);
  co_return ok();
}

// POST /_synapse/admin/v1/join/{roomIdOrAlias} {user_id} — joins a local user to a room,
// invited by the caller first unless the room is public.
Reply post_admin_join(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object(ctx.request);
  std::string user_id = required_string(body, "user_id");
  if (!ids::UserId::parse(user_id, ids::UserIdGrammar::kHistorical)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID: " + user_id);
  }
  if (!services.accounts.is_local(user_id)) {
    throw MatrixError::unknown_bad_request("This endpoint can only be used with local users");
  }
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.accounts.user(user_id); };
  std::optional<storage::UserRecord> user = co_await services.ctx.db(std::move(load));
  if (!user) throw MatrixError(ErrCode::kNotFound, "User not found");
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::string room_id = co_await resolve_room_id_or_alias(services, id_or_alias);
  co_await known_room(services, room_id);
  std::string admin = ctx.principal.user_id;
  co_await services.room_admin.join_user(room_id, user_id, admin);
  log::info("admin", "{} joined {} to {}", admin, user_id, room_id);
  co_return ok({{"room_id", room_id}});
}

// GET /_synapse/admin/v1/rooms/{roomIdOrAlias}/forward_extremities — {count, results}.
Reply get_forward_extremities(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::string room_id = co_await resolve_room_id_or_alias(services, id_or_alias);
  storage::Store& store = services.ctx.store;
  auto load = [&store, room_id] { return store.room_admin.forward_extremities(room_id); };
  std::vector<storage::ExtremityInfo> extremities = co_await services.ctx.db(std::move(load));
  bj::array results;
  for (const storage::ExtremityInfo& e : extremities) {
    results.push_back(bj::object{{"event_id", e.event_id},
                                 {"state_group", e.state_group},
                                 {"depth", e.depth},
                                 {"received_ts", e.received_ts}});
  }
  const auto count = static_cast<std::int64_t>(results.size());
  co_return ok({{"count", count}, {"results", std::move(results)}});
}

// DELETE /_synapse/admin/v1/rooms/{roomIdOrAlias}/forward_extremities — keeps only the
// deepest extremity; {deleted}. (This server's own events never branch, so only rooms
// joined over federation can have extras.)
Reply delete_forward_extremities(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::string room_id = co_await resolve_room_id_or_alias(services, id_or_alias);
  storage::Store& store = services.ctx.store;
  auto remove = [&store, room_id] {
    return store.room_admin.delete_extra_forward_extremities(room_id);
  };
  const std::int64_t deleted = co_await services.ctx.db(std::move(remove));
  log::info("admin", "{} deleted {} forward extremities of {}", ctx.principal.user_id, deleted,
            room_id);
  co_return ok({{"deleted", deleted}});
}

}  // namespace

std::vector<http::Route> admin_room_moderation_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr http::RateLimitClass kNoLimit = http::RateLimitClass::kNone;
  return {
      {Method::kPost, "/_synapse/admin/v1/rooms/{roomIdOrAlias}/make_room_admin", AuthKind::kAdmin,
       kNoLimit, post_make_room_admin},
      {Method::kPost, "/_synapse/admin/v1/join/{roomIdOrAlias}", AuthKind::kAdmin, kNoLimit,
       post_admin_join},
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomIdOrAlias}/forward_extremities",
       AuthKind::kAdmin, kNoLimit, get_forward_extremities},
      {Method::kDelete, "/_synapse/admin/v1/rooms/{roomIdOrAlias}/forward_extremities",
       AuthKind::kAdmin, kNoLimit, delete_forward_extremities},
  };
}

}  // namespace myelin::api
