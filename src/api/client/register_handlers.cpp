// Registration (spec client-server API "Account registration and management"). The flows
// offered follow the configured registration mode (services/users/registration_flows.hpp).
#include <exception>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/threepid_handlers.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"
#include "services/users/registration_flows.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bool registration_closed(const config::Config& config) {
  return config.registration.mode == config::RegistrationConfig::Mode::kClosed;
}

MatrixError registration_disabled() {
  return MatrixError(ErrCode::kForbidden, "Registration has been disabled");
}

// The registration token the completed UIA flow used, if it had that stage.
std::optional<std::string> used_registration_token(const services::UiaCompleted& completed) {
  auto it = completed.proofs.find("m.login.registration_token");
  if (it == completed.proofs.end() || !it->second.is_string()) return std::nullopt;
  return std::string(it->second.as_string());
}

}  // namespace

// GET /_matrix/client/v3/register/available — whether a username could be registered.
Reply get_register_available(RequestContext& ctx) {
  auto username = query_string(ctx.request, "username");
  if (!username) throw MatrixError(ErrCode::kMissingParam, "Missing 'username'");
  co_await ctx.services->accounts.check_username_available(*username);
  co_return ok({{"available", true}});
}

// GET /_matrix/client/v1/register/m.login.registration_token/validity?token= — whether the token
// could authenticate a registration now; nothing is reserved (403 while sign-up is closed).
Reply get_registration_token_validity(RequestContext& ctx) {
  Services& services = *ctx.services;
  if (registration_closed(services.ctx.config)) throw registration_disabled();
  std::optional<std::string> token = query_string(ctx.request, "token");
  if (!token) throw MatrixError(ErrCode::kMissingParam, "Missing string query parameter 'token'");
  const bool valid = co_await services.registration_tokens.is_valid(std::move(*token));
  co_return ok({{"valid", valid}});
}

// POST /_matrix/client/v3/register — a new account through user-interactive auth with the flows
// the registration mode implies; logs the new device in unless inhibit_login. A registration
// token's reserved use becomes a completed one only when the account exists.
Reply post_register(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  if (query_string(ctx.request, "kind").value_or("user") != "user") {
    throw MatrixError(ErrCode::kGuestAccessForbidden, "Guest access is disabled");
  }
  std::optional<std::vector<services::UiaFlow>> flows =
      services::registration_flows(services.ctx.config.registration);
  if (!flows) throw registration_disabled();
  services::NewAccount account;
  account.localpart = optional_string(body, "username");
  account.password = optional_string(body, "password");
  account.device_id = optional_string(body, "device_id");
  account.initial_device_display_name = optional_string(body, "initial_device_display_name");
  account.inhibit_login = optional_bool(body, "inhibit_login").value_or(false);
  // Synapse checks the username before user-interactive auth, so clients learn at once.
  if (account.localpart) co_await services.accounts.check_username_available(*account.localpart);

  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(*flows), "");
  if (!uia.completed) co_return std::move(uia.challenge);
  const std::string session_id = uia.completed->session_id;
  const std::optional<std::string> token = used_registration_token(*uia.completed);
  if (token) {
    std::string claimed_token = *token;
    std::string claiming_session = session_id;
    const bool claimed = co_await services.registration_tokens.claim(std::move(claimed_token),
                                                                     std::move(claiming_session));
    if (!claimed) throw MatrixError(ErrCode::kUnauthorized, "Invalid registration token");
  }

  // The claimed use is finished either way before any error reaches the client.
  std::exception_ptr failure;
  std::optional<services::LoginResult> result;
  try {
    result.emplace(co_await services.accounts.register_account(std::move(account)));
  } catch (...) {
    failure = std::current_exception();
  }
  if (token) {
    std::string finishing_session = session_id;
    const bool registered = failure == nullptr;
    co_await services.registration_tokens.finish(std::move(finishing_session), registered);
  }
  if (failure) std::rethrow_exception(failure);

  // The address the m.login.email.identity stage proved now belongs to the new account.
  co_await bind_registered_email(ctx, *uia.completed, result->user_id);

  services.uia.end(session_id);
  bj::object response{{"user_id", result->user_id}, {"home_server", services.ctx.server_name()}};
  if (!result->access_token.empty()) {
    response["access_token"] = result->access_token;
    response["device_id"] = result->device_id;
  }
  co_return ok(std::move(response));
}

}  // namespace myelin::api
