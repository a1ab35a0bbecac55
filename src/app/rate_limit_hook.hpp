#pragma once

#include "http/server/rate_limit_hook.hpp"
#include "services/services.hpp"

namespace myelin::app {

// Maps each route's RateLimitClass onto the RateLimits service: who is counted (the client's
// IP before login, the user after) and which rc_* limit applies.
http::RateLimitHook make_rate_limit_hook(Services& services);

}  // namespace myelin::app
