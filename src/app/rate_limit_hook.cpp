#include "app/rate_limit_hook.hpp"

#include <boost/json/parse.hpp>
#include <optional>
#include <string>

namespace myelin::app {

namespace asio = boost::asio;
using http::RateLimitClass;

namespace {

std::optional<std::string> path_param(const http::Request& request, std::string_view name) {
  for (const auto& [key, value] : request.path_params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// The invitee of POST /rooms/{roomId}/invite, when the body names one; a bad body is the
// handler's to refuse.
std::optional<std::string> invitee(const http::Request& request) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body, ec);
  if (ec || !body.is_object()) return std::nullopt;
  const boost::json::value* user_id = body.as_object().if_contains("user_id");
  if (!user_id || !user_id->is_string()) return std::nullopt;
  return std::string(user_id->as_string());
}

asio::awaitable<void> before(Services& services, RateLimitClass limit,
                             const http::RequestContext& ctx) {
  services::RateLimits& limits = services.rate_limits;
  const http::Request& request = ctx.request;
  const std::string& user_id = ctx.principal.user_id;
  switch (limit) {
    case RateLimitClass::kRegistration:
      // Asks only: a registration counts once its account exists (see after()).
      limits.check_registration(request.client_address);
      break;
    case RateLimitClass::kRegistrationTokenValidity:
      limits.check_registration_token_validity(request.client_address);
      break;
    case RateLimitClass::kThreepidValidation:
      limits.check_3pid_validation(request.client_address);
      break;
    case RateLimitClass::kLogin:
      // Per account and failed attempts are the login handler's: only it knows the account.
      limits.check_login_address(request.client_address);
      break;
    case RateLimitClass::kMessage: {
      std::optional<std::string> redacts = path_param(request, "eventId");
      std::string sender = user_id;
      co_await limits.check_message(std::move(sender), std::move(redacts));
      break;
    }
    case RateLimitClass::kJoin: {
      std::string joiner = user_id;
      co_await limits.check_join(std::move(joiner));
      break;
    }
    case RateLimitClass::kInvite: {
      std::string inviter = user_id;
      std::string room_id = path_param(request, "roomId").value_or("");
      std::optional<std::string> invited = invitee(request);
      co_await limits.check_invite(std::move(inviter), std::move(room_id), std::move(invited));
      break;
    }
    // Synapse has no general request limit; media and federation limits come with those APIs.
    case RateLimitClass::kNone:
    case RateLimitClass::kDefault:
    case RateLimitClass::kMediaCreate:
    case RateLimitClass::kFederation:
      break;
  }
  co_return;
}

void after(Services& services, RateLimitClass limit, const http::RequestContext& ctx,
           const http::Response& response) {
  const http::Request& request = ctx.request;
  // POST /register answers 200 only once the account exists (401 while auth goes on).
  if (limit == RateLimitClass::kRegistration && request.method == http::Method::kPost &&
      response.status == 200 && request.path.ends_with("/register")) {
    services.rate_limits.record_registration(request.client_address);
  }
}

}  // namespace

http::RateLimitHook make_rate_limit_hook(Services& services) {
  http::RateLimitHook hook;
  hook.before = [&services](RateLimitClass limit,
                            const http::RequestContext& ctx) -> asio::awaitable<void> {
    return before(services, limit, ctx);
  };
  hook.after = [&services](RateLimitClass limit, const http::RequestContext& ctx,
                           const http::Response& response) {
    after(services, limit, ctx, response);
  };
  return hook;
}

}  // namespace myelin::app
