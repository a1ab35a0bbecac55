#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/router/request.hpp"
#include "http/router/response.hpp"
#include "http/router/router.hpp"
#include "http/server/authenticator.hpp"
#include "http/server/rate_limit_hook.hpp"

namespace myelin::http {

// The HTTP boundary between the wire and the handlers: parses the target, answers CORS
// pre-flights, routes, authenticates by the route's kind, applies its rate limit, runs the handler,
// and catches every error exactly once — MatrixError rendered with its status, anything else 500
// M_UNKNOWN with the request ID logged. It never throws.
class Dispatcher {
 public:
  Dispatcher(Router router, Authenticator authenticator, Services* services,
             RateLimitHook rate_limit = {});

  // `request` has method, target, headers, body, remote address and request ID; the rest is
  // filled here.
  boost::asio::awaitable<Response> dispatch(Request request) const;

 private:
  boost::asio::awaitable<Response> route(RequestContext& context) const;
  boost::asio::awaitable<Principal> authenticate(AuthKind kind, const Request& request) const;

  Router router_;
  Authenticator authenticator_;
  Services* services_;
  RateLimitHook rate_limit_;
};

}  // namespace myelin::http
