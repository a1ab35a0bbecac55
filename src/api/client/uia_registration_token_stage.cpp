// The m.login.registration_token stage (spec client-server API "Token-authenticated
// registration"), answering as Synapse does.
#include "api/client/uia_stage_checks.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Where the session remembers its token, so that the registration can finish the use it
// reserved and a changed token is noticed.
constexpr const char* kSessionKey = "registration_token";

}  // namespace

boost::asio::awaitable<services::UiaStageCheck> check_registration_token_stage(
    const UiaStageRequest& request) {
  Services& services = *request.ctx.services;
  const bj::value* given = request.auth.if_contains("token");
  if (!given) throw MatrixError(ErrCode::kMissingParam, "Missing registration token");
  if (!given->is_string()) {
    throw MatrixError(ErrCode::kInvalidParam, "Registration token must be a string");
  }
  std::string token(given->as_string());
  if (std::optional<bj::value> stored = services.uia.value(request.session_id, kSessionKey)) {
    // The session reserved a use already: never a second one.
    if (!stored->is_string() || stored->as_string() != token) {
      throw MatrixError(ErrCode::kInvalidParam, "Registration token has changed");
    }
    co_return bj::value(token);
  }
  std::string session_id = request.session_id;
  const bool reserved = co_await services.registration_tokens.reserve(token, session_id);
  if (!reserved) {
    co_return Unexpected(
        services::UiaStageFailure{ErrCode::kUnauthorized, "Invalid registration token"});
  }
  if (!services.uia.set_value(session_id, kSessionKey, bj::value(token))) {
    // The session expired while the use was reserved: give it back at once.
    co_await services.registration_tokens.finish(session_id, false);
    co_return Unexpected(services::UiaStageFailure{ErrCode::kForbidden, "Session expired"});
  }
  co_return bj::value(token);
}

}  // namespace myelin::api
