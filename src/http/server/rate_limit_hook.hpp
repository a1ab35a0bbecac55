#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>

#include "http/router/response.hpp"
#include "http/router/route.hpp"

namespace myelin::http {

// Rate limiting by the route's RateLimitClass, around the handler (routes of class kNone are
// never shown to it). `before` runs once the caller is authenticated, before the handler, and
// refuses by throwing MatrixError (M_LIMIT_EXCEEDED with retry_after_ms). `after` sees the
// handler's response, for limits that count only what succeeded (Synapse counts registrations
// once the account exists, not each step of user-interactive auth); it does not run when the
// handler threw. Either may be empty. The context outlives the awaitable.
struct RateLimitHook {
  std::function<boost::asio::awaitable<void>(RateLimitClass, const RequestContext&)> before;
  std::function<void(RateLimitClass, const RequestContext&, const Response&)> after;
};

}  // namespace myelin::http
