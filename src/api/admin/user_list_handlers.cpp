// Listing and finding users: GET /_synapse/admin/v2/users, /v3/users, /v1/username_available
// and /v1/threepid/{medium}/users/{address} (Synapse Admin API, "List Accounts", "Check
// username availability", "Find a user based on their Third Party ID").
#include <algorithm>

#include "api/admin/admin_routes.hpp"
#include "api/admin/admin_user_support.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 100: Synapse's default page.
constexpr std::int64_t kDefaultLimit = 100;

// A boolean query parameter that may be absent (no filtering).
std::optional<bool> query_tristate(const http::Request& request, std::string_view key) {
  if (!request.query.contains(key)) return std::nullopt;
  return query_bool(request, key, false);
}

storage::UserListQuery parse_list_query(const http::Request& request, bool v3) {
  storage::UserListQuery query;
  query.from = query_int(request, "from").value_or(0);
  query.limit = query_int(request, "limit").value_or(kDefaultLimit);
  query.user_id = query_string(request, "user_id");
  query.name = query_string(request, "name");
  query.include_guests = query_bool(request, "guests", true);
  if (v3) {
    query.deactivated = query_tristate(request, "deactivated");
  } else if (!query_bool(request, "deactivated", false)) {
    // v2: deactivated=true includes them, anything else leaves them out.
    query.deactivated = false;
  }
  query.admins = query_tristate(request, "admins");
  query.include_locked = query_bool(request, "locked", false);
  query.suspended = query_tristate(request, "suspended");
  for (std::string_view type : request.query.get_all("not_user_type")) {
    query.not_user_types.emplace_back(type);
  }
  query.order_by = query_string(request, "order_by").value_or("name");
  if (std::find(storage::kUserListOrders.begin(), storage::kUserListOrders.end(), query.order_by) ==
      storage::kUserListOrders.end()) {
    std::string allowed;
    for (const std::string& order : storage::kUserListOrders) {
      allowed += (allowed.empty() ? "" : ", ") + order;
    }
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter \"order_by\" must be one of [" + allowed + "]");
  }
  const std::string dir = query_string(request, "dir").value_or("f");
  if (dir != "f" && dir != "b") {
    throw MatrixError(ErrCode::kInvalidParam, "Query parameter \"dir\" must be one of [f, b]");
  }
  query.descending = dir == "b";
  return query;
}

Reply list_users(http::RequestContext& ctx, bool v3) {
  storage::UserListQuery query = parse_list_query(ctx.request, v3);
  Services& services = *ctx.services;
  co_await services.user_admin.flush_connections();
  storage::Store& store = services.ctx.store;
  auto load = [&store, query] { return store.user_admin.list_users(query); };
  storage::UserPage page = co_await services.ctx.db(std::move(load));
  bj::array users;
  for (const storage::AdminUserView& user : page.users) users.push_back(user_list_entry(user));
  bj::object body{{"users", std::move(users)}, {"total", page.total}};
  // Synapse's rule: more pages while from + limit < total; the token is an offset string.
  if (query.from + query.limit < page.total) {
    body["next_token"] = std::to_string(query.from + static_cast<std::int64_t>(page.users.size()));
  }
  co_return ok(std::move(body));
}

// GET /_synapse/admin/v2/users — local users; `deactivated=true` includes deactivated ones.
Reply get_users_v2(http::RequestContext& ctx) { return list_users(ctx, false); }

// GET /_synapse/admin/v3/users — as v2, but `deactivated` filters either way when given.
Reply get_users_v3(http::RequestContext& ctx) { return list_users(ctx, true); }

// GET /_synapse/admin/v1/username_available?username= — as /register/available, whatever the
// registration mode.
Reply get_username_available(http::RequestContext& ctx) {
  std::optional<std::string> username = query_string(ctx.request, "username");
  if (!username) {
    throw MatrixError(ErrCode::kMissingParam, "Missing string query parameter 'username'");
  }
  std::string localpart = *username;
  co_await ctx.services->accounts.check_username_available(std::move(localpart));
  co_return ok({{"available", true}});
}

// GET /_synapse/admin/v1/threepid/{medium}/users/{address} — {user_id} of the account the
// address is bound to; 404 "User not found" otherwise.
Reply get_user_by_threepid(http::RequestContext& ctx) {
  std::string medium = ctx.request.param("medium");
  std::string address = ctx.request.param("address");
  storage::Store& store = ctx.services->ctx.store;
  auto find = [&store, medium, address] { return store.threepids.user_of(medium, address); };
  std::optional<std::string> user_id = co_await ctx.services->ctx.db(std::move(find));
  if (!user_id) throw MatrixError(ErrCode::kNotFound, "User not found");
  co_return ok({{"user_id", *user_id}});
}

}  // namespace

std::vector<http::Route> admin_user_list_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_synapse/admin/v2/users", AuthKind::kAdmin, RateLimitClass::kNone,
       get_users_v2},
      {Method::kGet, "/_synapse/admin/v3/users", AuthKind::kAdmin, RateLimitClass::kNone,
       get_users_v3},
      {Method::kGet, "/_synapse/admin/v1/username_available", AuthKind::kAdmin,
       RateLimitClass::kNone, get_username_available},
      {Method::kGet, "/_synapse/admin/v1/threepid/{medium}/users/{address}", AuthKind::kAdmin,
       RateLimitClass::kNone, get_user_by_threepid},
  };
}

}  // namespace myelin::api
