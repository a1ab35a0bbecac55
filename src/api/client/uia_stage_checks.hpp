#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "http/router/route.hpp"
#include "services/auth_support/uia_sessions.hpp"

// The checks behind user-interactive auth stages that need one, one per file
// (uia_<stage>_stage.cpp); user_interactive_auth.cpp maps stage types to them.
namespace myelin::api {

// What a stage check may look at: the request, the client's `auth` dict (its "type" is the
// stage), the UIA session, and the user an m.login.password stage must authenticate.
struct UiaStageRequest {
  http::RequestContext& ctx;
  const boost::json::object& auth;
  const std::string& session_id;
  const std::string& password_user;
};

using UiaStageCheckFn = boost::asio::awaitable<services::UiaStageCheck> (*)(const UiaStageRequest&);

// m.login.password: the password of `password_user` (the requester, for account operations).
boost::asio::awaitable<services::UiaStageCheck> check_password_stage(
    const UiaStageRequest& request);

// m.login.email.identity: threepid_creds of a validated e-mail session; proves the address.
boost::asio::awaitable<services::UiaStageCheck> check_email_identity_stage(
    const UiaStageRequest& request);

// m.login.registration_token: a valid token; reserves one of its uses for the session.
boost::asio::awaitable<services::UiaStageCheck> check_registration_token_stage(
    const UiaStageRequest& request);

}  // namespace myelin::api
