#include "api/client/user_interactive_auth.hpp"

#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// The user an m.login.password stage names (identifier, or the deprecated top-level "user").
std::optional<std::string> stage_user(Services& services, const bj::object& auth) {
  if (const bj::value* identifier = auth.if_contains("identifier");
      identifier && identifier->is_object()) {
    const bj::value* user = identifier->as_object().if_contains("user");
    if (user && user->is_string()) return services.accounts.qualify(std::string(user->as_string()));
    return std::nullopt;
  }
  if (const bj::value* user = auth.if_contains("user"); user && user->is_string()) {
    return services.accounts.qualify(std::string(user->as_string()));
  }
  return std::nullopt;
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
    if (attempt->stage == "m.login.password") {
      std::optional<std::string> user = stage_user(services, *auth);
      const bj::value* password = auth->if_contains("password");
      bool valid = false;
      if (user && *user == password_user && password && password->is_string()) {
        std::string given(password->as_string());
        valid = co_await services.accounts.check_password(*user, std::move(given));
      }
      if (valid) {
        verdict.emplace(bj::value(*user));
      } else {
        verdict.emplace(Unexpected(
            services::UiaStageFailure{ErrCode::kForbidden, "Invalid username or password"}));
      }
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
