#include "api/client/uia_stage_checks.hpp"
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

boost::asio::awaitable<services::UiaStageCheck> check_password_stage(
    const UiaStageRequest& request) {
  Services& services = *request.ctx.services;
  std::optional<std::string> user = stage_user(services, request.auth);
  const bj::value* password = request.auth.if_contains("password");
  bool valid = false;
  if (user && *user == request.password_user && password && password->is_string()) {
    std::string given(password->as_string());
    valid = co_await services.accounts.check_password(*user, std::move(given));
  }
  if (!valid) {
    co_return Unexpected(
        services::UiaStageFailure{ErrCode::kForbidden, "Invalid username or password"});
  }
  co_return bj::value(*user);
}

}  // namespace myelin::api
