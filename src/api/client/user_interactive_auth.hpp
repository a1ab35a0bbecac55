#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/router/route.hpp"
#include "services/auth_support/uia_sessions.hpp"

namespace myelin::api {

struct UiaOutcome {
  std::optional<services::UiaCompleted> completed;
  http::Response challenge;  // when not completed: the 401 to answer with
};

// Runs one step of user-interactive auth for the request (spec "User-Interactive
// Authentication API"): completed, or the 401 challenge to send. Throws MatrixError for an
// unknown or foreign session or a malformed `auth`. m.login.password is checked against
// `password_user` (the requester, for account operations).
boost::asio::awaitable<UiaOutcome> user_interactive_auth(http::RequestContext& ctx,
                                                         boost::json::object body,
                                                         std::vector<services::UiaFlow> flows,
                                                         std::string password_user);

}  // namespace myelin::api
