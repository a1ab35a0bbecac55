#pragma once

#include <cstdint>
#include <optional>

#include "http/router/request.hpp"
#include "services/filter/filter.hpp"

// Query parameters of the history endpoints (/messages and /context), shared by the client API
// and the admin API's views of a room.
namespace myelin::api {

// ?filter= as a RoomEventFilter (JSON only: these endpoints take no filter IDs);
// 400 M_NOT_JSON / M_BAD_JSON.
filter::RoomEventFilter room_event_filter_param(const http::Request& request);

// ?from= / ?to= as a stream position ("t<pos>" pagination tokens); absent or empty: nullopt;
// malformed: 400 M_INVALID_PARAM.
std::optional<std::int64_t> pagination_position_param(const http::Request& request,
                                                      const char* name);

// /messages' ?limit=: 10 by default, clamped to 1..1000.
std::int64_t messages_limit_param(const http::Request& request);
// /context's ?limit=: 10 by default, at most 1000 (0 asks for the event alone).
std::int64_t context_limit_param(const http::Request& request);

}  // namespace myelin::api
