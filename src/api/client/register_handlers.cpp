// Registration (spec client-server API "Account registration and management"). Which
// registration modes are open is the config's (registration modes and tokens: issue 4).
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

// GET /_matrix/client/v3/register/available — whether a username could be registered.
Reply get_register_available(RequestContext& ctx) {
  auto username = query_string(ctx.request, "username");
  if (!username) throw MatrixError(ErrCode::kMissingParam, "Missing 'username'");
  co_await ctx.services->accounts.check_username_available(*username);
  co_return ok({{"available", true}});
}

}  // namespace myelin::api

namespace myelin::api {

namespace {

bool registration_open(const config::Config& config) {
  return config.registration.mode == config::RegistrationConfig::Mode::kOpen;
}

}  // namespace

// POST /_matrix/client/v3/register — a new account through user-interactive auth
// (m.login.dummy while registration is open); logs the new device in unless inhibit_login.
Reply post_register(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  if (query_string(ctx.request, "kind").value_or("user") != "user") {
    throw MatrixError(ErrCode::kGuestAccessForbidden, "Guest access is disabled");
  }
  if (!registration_open(services.ctx.config)) {
    throw MatrixError(ErrCode::kForbidden, "Registration has been disabled");
  }
  services::NewAccount account;
  account.localpart = optional_string(body, "username");
  account.password = optional_string(body, "password");
  account.device_id = optional_string(body, "device_id");
  account.initial_device_display_name = optional_string(body, "initial_device_display_name");
  account.inhibit_login = optional_bool(body, "inhibit_login").value_or(false);
  // Synapse checks the username before user-interactive auth, so clients learn at once.
  if (account.localpart) co_await services.accounts.check_username_available(*account.localpart);

  std::vector<services::UiaFlow> flows(1);
  flows[0].stages.push_back("m.login.dummy");
  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(flows), "");
  if (!uia.completed) co_return std::move(uia.challenge);
  services::LoginResult result = co_await services.accounts.register_account(std::move(account));
  services.uia.end(uia.completed->session_id);

  bj::object response{{"user_id", result.user_id}, {"home_server", services.ctx.server_name()}};
  if (!result.access_token.empty()) {
    response["access_token"] = result.access_token;
    response["device_id"] = result.device_id;
  }
  co_return ok(std::move(response));
}

}  // namespace myelin::api
