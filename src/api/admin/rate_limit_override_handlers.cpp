// A user's rate-limit override: GET/POST/DELETE
// /_synapse/admin/v1/users/{userId}/override_ratelimit (Synapse Admin API "Override
// ratelimiting for users"). messages_per_second 0 lifts the user's limits altogether.
#include <boost/json/serialize.hpp>

#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// The local, existing user the path names: 400 M_UNKNOWN for another server's, 404 for none.
boost::asio::awaitable<std::string> existing_local_user(Services& services,
                                                        const http::Request& request,
                                                        const char* not_local) {
  std::string user_id = user_id_param(request);
  if (!services.accounts.is_local(user_id)) {
    throw MatrixError::unknown_bad_request(not_local);
  }
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.accounts.user(user_id); };
  std::optional<storage::UserRecord> user = co_await services.ctx.db(std::move(load));
  if (!user) throw MatrixError(ErrCode::kNotFound, "User not found");
  co_return user_id;
}

// A body field Synapse requires to be a non-negative integer when present (default 0).
std::int64_t count_field(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value) return 0;
  if (value->is_int64() && value->as_int64() >= 0) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= INT64_MAX) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  throw MatrixError(ErrCode::kInvalidParam,
                    bj::serialize(*value) + " parameter must be a positive int");
}

bj::object render(const storage::RateLimitOverride& limit) {
  return {{"messages_per_second", limit.messages_per_second}, {"burst_count", limit.burst_count}};
}

Reply get_override_ratelimit(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string user_id =
      co_await existing_local_user(services, ctx.request, "Can only look up local users");
  std::optional<storage::RateLimitOverride> limit =
      co_await services.rate_limits.override_of(user_id);
  co_return ok(limit ? render(*limit) : bj::object{});  // {}: no override
}

Reply post_override_ratelimit(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string user_id =
      co_await existing_local_user(services, ctx.request, "Only local users can be ratelimited");
  const bj::object body = body_object_or_empty(ctx.request);
  storage::RateLimitOverride limit{count_field(body, "messages_per_second"),
                                   count_field(body, "burst_count")};
  co_await services.rate_limits.set_override(user_id, limit);
  log::info("admin", "{} set the rate limit of {} to {}/s, burst {}", ctx.principal.user_id,
            user_id, limit.messages_per_second, limit.burst_count);
  co_return ok(render(limit));
}

Reply delete_override_ratelimit(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string user_id =
      co_await existing_local_user(services, ctx.request, "Only local users can be ratelimited");
  co_await services.rate_limits.remove_override(user_id);
  co_return ok();
}

}  // namespace

std::vector<http::Route> admin_rate_limit_override_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  constexpr std::string_view kPath = "/_synapse/admin/v1/users/{userId}/override_ratelimit";
  return {
      {Method::kGet, kPath, AuthKind::kAdmin, RateLimitClass::kNone, get_override_ratelimit},
      {Method::kPost, kPath, AuthKind::kAdmin, RateLimitClass::kNone, post_override_ratelimit},
      {Method::kDelete, kPath, AuthKind::kAdmin, RateLimitClass::kNone, delete_override_ratelimit},
  };
}

}  // namespace myelin::api
