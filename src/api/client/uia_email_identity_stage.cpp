// The m.login.email.identity stage (spec client-server API "Email-based (identity / homeserver)"):
// threepid_creds name a validation session this server ran; the proof is the address it
// validated.
#include "api/client/uia_stage_checks.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

std::optional<std::string> string_field(const bj::object& object, std::string_view key) {
  const bj::value* value = object.if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

}  // namespace

boost::asio::awaitable<services::UiaStageCheck> check_email_identity_stage(
    const UiaStageRequest& request) {
  Services& services = *request.ctx.services;
  // threepidCreds: the name r0 clients (and Synapse) still accept.
  const bj::value* creds = request.auth.if_contains("threepid_creds");
  if (!creds) creds = request.auth.if_contains("threepidCreds");
  if (!creds || !creds->is_object()) {
    throw MatrixError(ErrCode::kMissingParam, "Missing 'threepid_creds'");
  }
  std::optional<std::string> sid = string_field(creds->as_object(), "sid");
  std::optional<std::string> client_secret = string_field(creds->as_object(), "client_secret");
  if (!sid || !client_secret) {
    throw MatrixError(ErrCode::kMissingParam, "threepid_creds needs 'sid' and 'client_secret'");
  }
  std::string session_sid = *sid;
  std::optional<services::ValidatedThreepid> validated =
      co_await services.threepids.validated(std::move(session_sid), std::move(*client_secret));
  if (!validated) {
    // Synapse's answer while the link has not been followed yet.
    co_return Unexpected(
        services::UiaStageFailure{ErrCode::kUnauthorized, "Unable to get validated threepid"});
  }
  co_return bj::value(bj::object{{"medium", validated->medium},
                                 {"address", validated->address},
                                 {"validated_at", validated->validated_at},
                                 {"sid", *sid}});
}

}  // namespace myelin::api
