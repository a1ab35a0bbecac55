#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/router/route.hpp"
#include "services/auth_support/uia_sessions.hpp"

// E-mail: requestToken endpoints, the validation links, /account/3pid/* and password reset by
// e-mail (spec client-server API "Adding Account Administrative Contact Information",
// "Account registration", "Password management").
namespace myelin::api {

// requestToken (register, account/3pid, account/password), the submit_token links and
// /account/3pid, /3pid/add, /3pid/delete, /3pid/bind, /3pid/unbind.
std::vector<http::Route> threepid_routes();

// POST /_matrix/client/v3/account/password — with an access token as before (m.login.password),
// without one authorised by m.login.email.identity (password reset by e-mail).
boost::asio::awaitable<http::Response> post_account_password(http::RequestContext& ctx);

// The address the completed m.login.email.identity stage proved, if the flow had it.
struct EmailProof {
  std::string medium;
  std::string address;
  std::int64_t validated_at = 0;
  std::string sid;
};
std::optional<EmailProof> email_identity_proof(const services::UiaCompleted& completed);

// POST /login with a third-party identifier (identifier {type: m.id.thirdparty, medium,
// address}, or the deprecated top-level medium/address): the account the address is bound to;
// 403 M_FORBIDDEN as for a wrong password when none is. nullopt for other identifiers.
boost::asio::awaitable<std::optional<std::string>> thirdparty_login_user(http::RequestContext& ctx,
                                                                         boost::json::object body);

// After a registration: binds the address its m.login.email.identity stage proved (if any) to
// the new account. Never throws: the account exists already, so a failure (the address taken
// meanwhile) is logged.
boost::asio::awaitable<void> bind_registered_email(http::RequestContext& ctx,
                                                   services::UiaCompleted completed,
                                                   std::string user_id);

}  // namespace myelin::api
