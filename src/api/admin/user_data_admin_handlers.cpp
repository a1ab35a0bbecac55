// What a user has on the server (Synapse Admin API "List joined rooms of a user", "List room
// memberships of a user", "Account Data", "List all pushers").
#include <boost/json/parse.hpp>

#include "api/admin/admin_routes.hpp"
#include "api/admin/admin_user_support.hpp"
#include "api/client/json_body.hpp"
#include "api/client/pusher_json.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// A local user must exist; remote users are answered from what this server knows of them
// (Synapse answers both).
boost::asio::awaitable<std::string> known_user(http::RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  if (ctx.services->accounts.is_local(user_id)) co_await require_user(*ctx.services, user_id);
  co_return user_id;
}

// GET /_synapse/admin/v1/users/{userId}/joined_rooms — {joined_rooms, total}.
Reply get_joined_rooms(http::RequestContext& ctx) {
  std::string user_id = co_await known_user(ctx);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id] { return store.user_admin.joined_rooms(user_id); };
  std::vector<std::string> rooms = co_await ctx.services->ctx.db(std::move(load));
  bj::array joined;
  for (const std::string& room_id : rooms) joined.emplace_back(room_id);
  const auto total = static_cast<std::int64_t>(joined.size());
  co_return ok({{"joined_rooms", std::move(joined)}, {"total", total}});
}

// GET /_synapse/admin/v1/users/{userId}/memberships — {memberships: {roomId: membership}},
// left rooms included.
Reply get_memberships(http::RequestContext& ctx) {
  std::string user_id = co_await known_user(ctx);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id] { return store.user_admin.memberships(user_id); };
  std::map<std::string, std::string> found = co_await ctx.services->ctx.db(std::move(load));
  bj::object memberships;
  for (const auto& [room_id, membership] : found) memberships[room_id] = membership;
  co_return ok({{"memberships", std::move(memberships)}});
}

// GET /_synapse/admin/v1/users/{userId}/accountdata — {account_data: {global, rooms}}.
Reply get_account_data(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only look up local users");
  co_await require_user(*ctx.services, user_id);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id] { return store.user_admin.account_data(user_id); };
  std::vector<storage::UserAdminStore::AccountDataEntry> entries =
      co_await ctx.services->ctx.db(std::move(load));
  bj::object global;
  bj::object rooms;
  for (const auto& entry : entries) {
    boost::system::error_code error;
    bj::value content = bj::parse(entry.content_json, error);
    if (error) continue;  // stored by us as JSON; never expected
    if (entry.room_id.empty()) {
      global[entry.type] = std::move(content);
    } else {
      bj::value& room = rooms[entry.room_id];
      if (!room.is_object()) room = bj::object{};
      room.as_object()[entry.type] = std::move(content);
    }
  }
  co_return ok(
      {{"account_data", bj::object{{"global", std::move(global)}, {"rooms", std::move(rooms)}}}});
}

// GET /_synapse/admin/v1/users/{userId}/pushers — {pushers, total}, as the user sees them.
Reply get_user_pushers(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only look up local users");
  co_await require_user(*ctx.services, user_id);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id] { return store.pushers.of_user(user_id); };
  std::vector<storage::PusherRecord> pushers = co_await ctx.services->ctx.db(std::move(load));
  const std::size_t total = pushers.size();
  co_return ok({{"pushers", pushers_json(pushers)}, {"total", total}});
}

}  // namespace

std::vector<http::Route> admin_user_data_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_synapse/admin/v1/users/{userId}/joined_rooms", AuthKind::kAdmin,
       RateLimitClass::kNone, get_joined_rooms},
      {Method::kGet, "/_synapse/admin/v1/users/{userId}/memberships", AuthKind::kAdmin,
       RateLimitClass::kNone, get_memberships},
      {Method::kGet, "/_synapse/admin/v1/users/{userId}/accountdata", AuthKind::kAdmin,
       RateLimitClass::kNone, get_account_data},
      {Method::kGet, "/_synapse/admin/v1/users/{userId}/pushers", AuthKind::kAdmin,
       RateLimitClass::kNone, get_user_pushers},
  };
}

}  // namespace myelin::api
