#include "api/client/user_interactive_auth.hpp"

#include "api/client/json_body.hpp"
#include "api/client/uia_stage_checks.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

struct StageCheck {
  std::string_view type;
  UiaStageCheckFn check;
};

// The stages this server can check; a stage a flow offers must be here (m.login.dummy needs no
// check and never reaches this table).
constexpr StageCheck kStageChecks[] = {
    {"m.login.password", check_password_stage},
    {"m.login.registration_token", check_registration_token_stage},
    {"m.login.email.identity", check_email_identity_stage},
};

UiaStageCheckFn find_stage_check(std::string_view type) {
  for (const StageCheck& stage : kStageChecks) {
    if (stage.type == type) return stage.check;
  }
  return nullptr;
}

}  // namespace

boost::asio::awaitable<UiaOutcome> user_interactive_auth(http::RequestContext& ctx, bj::object body,
                                                         std::vector<services::UiaFlow> flows,
                                                         std::string password_user) {
  Services& services = *ctx.services;
  const bj::object params;
  const std::string fingerprint =
      std::string(http::method_name(ctx.request.method)) + " " + ctx.request.path;
  const bj::object* auth = nullptr;
  if (const bj::value* value = body.if_contains("auth"); value && !value->is_null()) {
    if (!value->is_object()) throw MatrixError(ErrCode::kBadJson, "'auth' must be an object");
    auth = &value->as_object();
  }
  auto attempt = services.uia.open_step(auth, flows, params, fingerprint);
  if (!attempt) {
    if (attempt.error().error) throw *attempt.error().error;
    co_return UiaOutcome{std::nullopt, http::Response::json(401, attempt.error().challenge)};
  }
  std::optional<services::UiaStageCheck> verdict;
  if (attempt->needs_check) {
    if (UiaStageCheckFn check = find_stage_check(attempt->stage)) {
      const UiaStageRequest request{ctx, *auth, attempt->session_id, password_user};
      verdict.emplace(co_await check(request));
    } else {
      verdict.emplace(Unexpected(services::UiaStageFailure{
          ErrCode::kUnrecognized, "Unsupported authentication stage " + attempt->stage}));
    }
  }
  auto completed = services.uia.finish_step(*attempt, flows, params, verdict ? &*verdict : nullptr);
  if (!completed) {
    if (completed.error().error) throw *completed.error().error;
    co_return UiaOutcome{std::nullopt, http::Response::json(401, completed.error().challenge)};
  }
  co_return UiaOutcome{std::move(*completed), {}};
}

}  // namespace myelin::api
