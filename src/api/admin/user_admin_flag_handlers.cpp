// The admin flag of a user: GET/PUT /_synapse/admin/v1/users/{userId}/admin (Synapse Admin API).
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// The local user a path names; 400 for another server's user, 404 for an unknown one.
boost::asio::awaitable<storage::UserRecord> local_user(Services& services,
                                                       const std::string& user_id) {
  if (!services.accounts.is_local(user_id)) {
    throw MatrixError::unknown_bad_request("Only local users can be admins of this homeserver");
  }
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.accounts.user(user_id); };
  std::optional<storage::UserRecord> user = co_await services.ctx.db(std::move(load));
  if (!user) throw MatrixError(ErrCode::kNotFound, "User not found");
  co_return std::move(*user);
}

Reply get_user_admin(http::RequestContext& ctx) {
  const std::string user_id = user_id_param(ctx.request);
  storage::UserRecord user = co_await local_user(*ctx.services, user_id);
  co_return ok({{"admin", user.is_admin}});
}

Reply put_user_admin(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string user_id = user_id_param(ctx.request);
  bj::object body = body_object(ctx.request);
  std::optional<bool> admin = optional_bool(body, "admin");
  if (!admin) throw MatrixError(ErrCode::kMissingParam, "Missing key 'admin'");
  co_await local_user(services, user_id);
  // An admin who demotes themselves could leave the server with none (Synapse refuses too).
  if (user_id == ctx.principal.user_id && !*admin) {
    throw MatrixError::unknown_bad_request("You may not demote yourself.");
  }
  storage::Store& store = services.ctx.store;
  auto set = [&store, user_id, value = *admin] { store.accounts.set_admin(user_id, value); };
  co_await services.ctx.db(std::move(set));
  services.accounts.forget_sessions_of(user_id);
  co_return ok();
}

}  // namespace

std::vector<http::Route> admin_flag_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_synapse/admin/v1/users/{userId}/admin", AuthKind::kAdmin,
       RateLimitClass::kNone, get_user_admin},
      {Method::kPut, "/_synapse/admin/v1/users/{userId}/admin", AuthKind::kAdmin,
       RateLimitClass::kNone, put_user_admin},
  };
}

}  // namespace myelin::api
