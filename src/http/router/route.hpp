#pragma once

// The route table's vocabulary. This header names asio::awaitable, so it is included by the
// table and the server but by none of the router's own .cpp files (see router.hpp).
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "http/router/method.hpp"
#include "http/router/request.hpp"
#include "http/router/response.hpp"

namespace myelin {
struct Services;  // defined by the app's composition root
}

namespace myelin::http {

// Who may call a route; the server authenticates by kind before the handler runs.
enum class AuthKind {
  kNone,
  kUser,          // an access token (Authorization: Bearer, or ?access_token=)
  kAdmin,         // an access token of a server admin
  kServerSigned,  // federation: Authorization: X-Matrix (server-server API, "Authentication")
  kAppservice,    // an application service's as_token
};

// Which limiter the route's calls count against (Synapse's rc_* families).
enum class RateLimitClass {
  kNone,
  kDefault,
  kMessage,
  kLogin,
  kRegistration,
  kRegistrationTokenValidity,
  kThreepidValidation,  // e-mail requestToken endpoints (rc_3pid_validation)
  kJoin,
  kInvite,
  kMediaCreate,
  kFederation,
};

// Who the authenticator found behind the request's credentials.
struct Principal {
  std::string user_id;        // user, admin and appservice routes (the user an AS acts as)
  std::string device_id;      // user and admin routes
  std::string appservice_id;  // appservice routes
  std::string server_name;    // server-signed routes: the X-Matrix origin
  bool is_guest = false;
};

// What a handler gets. It lives in the session's coroutine frame until the handler's awaitable
// completes, so a handler may hold references into it across co_await.
struct RequestContext {
  Request request;
  Principal principal;
  Services* services = nullptr;  // set by the server; null only in HTTP-layer tests
};

using Handler = boost::asio::awaitable<Response> (*)(RequestContext&);

// One row of the route table. `path` is a template: "{name}" captures one segment (decoded,
// may be empty), "(r0|v3)" matches any one of the literals, so a route served under legacy
// prefixes is listed once:
//   {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/state", AuthKind::kUser, ...}
struct Route {
  Method method;
  std::string_view path;
  AuthKind auth;
  RateLimitClass rate_limit;
  Handler handler;
};

}  // namespace myelin::http
