// Login, logout and the account's own endpoints (spec client-server API "Login", "Account
// registration and management"). Registration is in register_handlers.cpp.
#include <algorithm>
#include <cctype>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/sso_handlers.hpp"
#include "api/client/threepid_handlers.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse matches localparts case-insensitively at login; IDs are stored lower-case.
std::string login_user_id(Services& services, std::string user) {
  std::string user_id = services.accounts.qualify(user);
  const std::size_t colon = user_id.find(':');
  std::transform(user_id.begin() + 1, user_id.begin() + static_cast<std::ptrdiff_t>(colon),
                 user_id.begin() + 1, [](unsigned char c) { return std::tolower(c); });
  return user_id;
}

std::string identifier_user(const bj::object& body) {
  if (auto identifier = optional_object(body, "identifier")) {
    const std::string type = required_string(*identifier, "type");
    if (type != "m.id.user") {
      throw MatrixError::unknown_bad_request("Unsupported identifier type: " + type);
    }
    return required_string(*identifier, "user");
  }
  if (auto user = optional_string(body, "user")) return *user;  // deprecated top-level form
  throw MatrixError(ErrCode::kMissingParam, "Missing 'identifier'");
}

}  // namespace

// GET /_matrix/client/v3/login — the login types this server accepts.
Reply get_login_flows(RequestContext& ctx) {
  bj::array flows{bj::object{{"type", "m.login.password"}}};
  for (bj::value& flow : sso_login_flows(*ctx.services)) flows.push_back(std::move(flow));
  co_return ok({{"flows", std::move(flows)}});
}

// POST /_matrix/client/v3/login — m.login.password with a user identifier; a new device (or the
// one named) and its access token.
Reply post_login(RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  const std::string type = required_string(body, "type");
  if (type == "m.login.token") {
    bj::object token_login = body;
    http::Response response = co_await post_login_with_token(ctx, std::move(token_login));
    co_return response;
  }
  if (type != "m.login.password") {
    throw MatrixError::unknown_bad_request("Unknown login type " + type);
  }
  Services& services = *ctx.services;
  std::optional<std::string> by_address = co_await thirdparty_login_user(ctx, body);
  std::string user_id = by_address ? *by_address : login_user_id(services, identifier_user(body));
  std::string password = required_string(body, "password");
  std::optional<std::string> device_id = optional_string(body, "device_id");
  std::optional<std::string> display_name = optional_string(body, "initial_device_display_name");
  // rc_login per account (the per-IP limit ran before the handler): too many failures refuse
  // even the right password for a while; successful logins count against rc_login.account.
  services::RateLimits& limits = services.rate_limits;
  limits.check_failed_logins(user_id);
  limits.check_login_account(user_id);
  std::optional<services::LoginResult> login;
  try {
    login = co_await services.accounts.login_with_password(
        user_id, std::move(password), std::move(device_id), std::move(display_name));
  } catch (const MatrixError& e) {
    if (e.code() == ErrCode::kForbidden) limits.record_failed_login(user_id);
    throw;
  }
  limits.record_login(user_id);
  const services::LoginResult& result = *login;
  co_return ok({{"user_id", result.user_id},
                {"access_token", result.access_token},
                {"device_id", result.device_id},
                {"home_server", services.ctx.server_name()}});
}

// POST /_matrix/client/v3/logout — ends this access token's session (and its device).
Reply post_logout(RequestContext& ctx) {
  co_await ctx.services->accounts.delete_device(ctx.principal.user_id, ctx.principal.device_id);
  co_return ok();
}

// POST /_matrix/client/v3/logout/all — ends every session of the user.
Reply post_logout_all(RequestContext& ctx) {
  co_await ctx.services->accounts.logout_all(ctx.principal.user_id);
  co_return ok();
}

// GET /_matrix/client/v3/account/whoami — who the access token belongs to.
Reply get_whoami(RequestContext& ctx) {
  co_return ok({{"user_id", ctx.principal.user_id},
                {"device_id", ctx.principal.device_id},
                {"is_guest", ctx.principal.is_guest}});
}

}  // namespace myelin::api
