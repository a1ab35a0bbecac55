#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "http/router/route.hpp"

// What an admin's suspension or shadow-ban (Synapse Admin API) changes for the user's own
// requests. The room handlers that act in rooms call these first.
namespace myelin::api {

// 403 M_USER_SUSPENDED when the caller is suspended (MSC3823): they may read and leave, but
// not send, change state, create, join or invite. `what` completes "… is not allowed".
boost::asio::awaitable<void> refuse_if_suspended(http::RequestContext& ctx, std::string what);

// Whether the caller is shadow-banned: the handler answers as if it had succeeded and does
// nothing (Synapse: sends get a made-up event ID, invites are dropped).
boost::asio::awaitable<bool> shadow_banned(http::RequestContext& ctx);

// "$…": looks like an event ID of room versions 4+, names no event.
std::string fake_event_id();

}  // namespace myelin::api
