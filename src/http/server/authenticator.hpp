#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>

#include "http/router/request.hpp"
#include "http/router/route.hpp"

namespace myelin::http {

// Decides who is behind a request's credentials, for routes whose AuthKind is not kNone.
// `credential` is the access token (Authorization: Bearer, else ?access_token=) for user, admin
// and appservice routes, and the first Authorization header for server-signed routes. It answers
// nullopt for credentials it does not know (→ 401 M_UNKNOWN_TOKEN, or M_UNAUTHORIZED for
// server-signed routes) and may throw MatrixError itself (e.g. M_FORBIDDEN for a non-admin on an
// admin route, M_USER_LOCKED). `request` outlives the returned awaitable.
using Authenticator = std::function<boost::asio::awaitable<std::optional<Principal>>(
    AuthKind kind, std::string credential, const Request& request)>;

}  // namespace myelin::http
