#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "base/expected.hpp"
#include "services/filter/filter.hpp"

namespace myelin::filter {

// Checks and types an uploaded filter (POST /user/{userId}/filter, or /sync's inline `filter`).
// Checks what Synapse's filter schema checks: each known field has its type (lists of strings,
// booleans, objects), `senders`/`not_senders` hold user IDs (historical grammar), `rooms`/
// `not_rooms` room IDs (either form), `event_format` is "client" or "federation". Unknown fields
// are ignored for forward compatibility. Beyond Synapse, `limit` must be an integer >= 1 (spec:
// "must be an integer greater than 0"; integral doubles such as 10.0 are accepted). The error
// names the offending field by its path, e.g. "room.timeline.senders[1]: must be a user ID"; the
// API layer answers it with 400 M_BAD_JSON.
Expected<Filter> parse_filter(const boost::json::value& json);

// A RoomEventFilter on its own, as /messages and /context take it in their `filter` parameter.
Expected<RoomEventFilter> parse_room_event_filter(const boost::json::value& json);

// The filter as GET /user/{userId}/filter/{filterId} returns it: the fields that were uploaded,
// normalised (unknown fields dropped, booleans rendered only when true, integral limits as
// integers). parse_filter(to_json(f)) == f.
boost::json::object to_json(const Filter& filter);
boost::json::object to_json(const RoomEventFilter& filter);

// /sync's `filter` parameter is inline JSON when it starts with '{', else a filter ID (spec:
// filter IDs cannot start with '{').
inline bool is_inline_filter(std::string_view parameter) {
  return !parameter.empty() && parameter.front() == '{';
}

}  // namespace myelin::filter
