// POST /account/password in both of its forms: an access token (the account's password through
// user-interactive auth, account_management_handlers.cpp), or none — a password reset
// authorised by a validated e-mail address (spec "Password management").
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/threepid_handlers.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/matrix_error.hpp"
#include "http/router/headers.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 512 bytes: Synapse's limit on new passwords, as post_password.
constexpr std::size_t kMaxPasswordBytes = 512;
constexpr std::string_view kBearer = "Bearer ";

// Whether the request carries an access token at all (spec "Using access tokens"): the
// Authorization header, else ?access_token=.
std::optional<std::string> access_token(const http::Request& request) {
  if (auto header = request.headers.get("Authorization")) {
    if (header->size() > kBearer.size() &&
        http::iequals(header->substr(0, kBearer.size()), kBearer)) {
      std::string_view token = header->substr(kBearer.size());
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      if (!token.empty()) return std::string(token);
    }
    return std::nullopt;
  }
  return query_string(request, "access_token");
}

}  // namespace

Reply post_account_password(RequestContext& ctx) {
  Services& services = *ctx.services;
  if (std::optional<std::string> token = access_token(ctx.request)) {
    std::string credential = *token;
    std::optional<services::Session> session =
        co_await services.accounts.authenticate(std::move(credential));
    if (!session) throw MatrixError(ErrCode::kUnknownToken, "Unknown access token");
    // What the authenticator does for every kUser route: locked accounts are refused, the
    // connection is recorded.
    std::string user_agent(ctx.request.headers.get("User-Agent").value_or(""));
    std::string remote_address = ctx.request.remote_address;
    co_await services.user_admin.admit(*session, std::move(*token), std::move(remote_address),
                                       std::move(user_agent), false);
    ctx.principal.user_id = session->user_id;
    ctx.principal.device_id = session->device_id;
    co_return co_await post_password(ctx);
  }
  // Without e-mail there is no other way in: the route's old answer.
  if (!services.threepids.email_configured()) {
    throw MatrixError(ErrCode::kMissingToken, "Missing access token");
  }
  bj::object body = body_object(ctx.request);
  std::string new_password = required_string(body, "new_password");
  if (new_password.size() > kMaxPasswordBytes) {
    throw MatrixError(ErrCode::kInvalidParam, "Password is too long (at most 512 bytes)");
  }
  const bool logout_devices = optional_bool(body, "logout_devices").value_or(true);
  std::vector<services::UiaFlow> flows(1);
  flows[0].stages.push_back("m.login.email.identity");
  std::string no_password_user;
  UiaOutcome uia =
      co_await user_interactive_auth(ctx, std::move(body), std::move(flows), no_password_user);
  if (!uia.completed) co_return std::move(uia.challenge);
  std::optional<EmailProof> proof = email_identity_proof(*uia.completed);
  if (!proof) throw MatrixError(ErrCode::kUnauthorized, "Unable to get validated threepid");
  std::optional<std::string> user_id =
      co_await services.threepids.user_of(proof->medium, proof->address);
  // Synapse: 404 "Email address not found" when the address was unbound meanwhile.
  if (!user_id) throw MatrixError(ErrCode::kThreepidNotFound, "Email address not found");
  std::optional<std::string> no_device;
  co_await services.accounts.set_password(*user_id, std::move(new_password), logout_devices,
                                          std::move(no_device));
  co_await services.threepids.consume(proof->sid);
  services.uia.end(uia.completed->session_id);
  co_return ok();
}

}  // namespace myelin::api
