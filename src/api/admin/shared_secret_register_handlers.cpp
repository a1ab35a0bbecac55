// Shared-secret registration, as Synapse's POST /_synapse/admin/v1/register (what
// register_new_matrix_user and `myelin register-user` call), and the admin flag of a user.
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse's bounds on the fields, checked before the MAC so junk never reaches the hasher.
constexpr std::size_t kMaxUsernameBytes = 512;
constexpr std::size_t kMaxPasswordBytes = 512;

// GET /_synapse/admin/v1/register — a nonce for one registration.
Reply get_register_nonce(http::RequestContext& ctx) {
  std::string nonce = ctx.services->shared_secret_registration.issue_nonce();
  co_return ok({{"nonce", nonce}});
}

// POST /_synapse/admin/v1/register — {nonce, username, password, admin, user_type?,
// displayname?, mac}.
Reply post_register_with_shared_secret(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  services::SharedSecretRequest request;
  request.nonce = required_string(body, "nonce");
  request.username = required_string(body, "username");
  request.password = required_string(body, "password");
  request.mac = required_string(body, "mac");
  request.admin = optional_bool(body, "admin").value_or(false);
  request.user_type = optional_string(body, "user_type");
  request.displayname = optional_string(body, "displayname");
  if (request.username.size() > kMaxUsernameBytes ||
      request.username.find('\0') != std::string::npos) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid username");
  }
  if (request.password.size() > kMaxPasswordBytes ||
      request.password.find('\0') != std::string::npos) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid password");
  }
  if (request.user_type && *request.user_type != "bot" && *request.user_type != "support") {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user type");
  }
  services::LoginResult result =
      co_await services.shared_secret_registration.register_user(std::move(request));
  co_return ok({{"user_id", result.user_id},
                {"home_server", services.ctx.server_name()},
                {"access_token", result.access_token},
                {"device_id", result.device_id}});
}

}  // namespace

std::vector<http::Route> admin_registration_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  // Not rate-limited, as in Synapse: the MAC proves an admin's act (bulk imports included).
  return {
      {Method::kGet, "/_synapse/admin/v1/register", AuthKind::kNone, RateLimitClass::kNone,
       get_register_nonce},
      {Method::kPost, "/_synapse/admin/v1/register", AuthKind::kNone, RateLimitClass::kNone,
       post_register_with_shared_secret},
  };
}

}  // namespace myelin::api
