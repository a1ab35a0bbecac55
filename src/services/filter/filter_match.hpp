#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "services/filter/filter.hpp"

namespace myelin::filter {

// Event type globs (spec EventFilter `types`: "A `*` can be used as a wildcard to match any
// sequence of characters"): '*' matches any run, possibly empty; every other character matches
// itself. Synapse honours only a trailing '*'; "m.*" means the same in both.
bool type_matches(std::string_view pattern, std::string_view type);

// Whether an event, presence update or account data item passes. A matching `not_*` entry
// excludes even when the positive list also matches; an absent positive list lets everything
// through, an empty one nothing. Items without a sender (account data) pass `senders: [...]`
// only if "" is listed, i.e. never, as in Synapse. `limit` is the caller's business.
bool matches(const EventFilter& filter, std::string_view type, std::string_view sender);

// A room event: the EventFilter checks, the room checks (includes_room), and `contains_url`
// against `has_url` (see has_string_url).
bool matches(const RoomEventFilter& filter, std::string_view room_id, std::string_view type,
             std::string_view sender, bool has_url);

// The room lists alone: not_rooms wins over rooms; absent rooms means every room.
bool includes_room(const RoomFilter& filter, std::string_view room_id);
bool includes_room(const RoomEventFilter& filter, std::string_view room_id);

// What `contains_url` tests: the event's content is an object whose `url` is a string (as
// Synapse tests it).
bool has_string_url(const boost::json::object& event);

// True when no item can pass, so a caller may skip the work: an empty `types`, `senders` (or,
// for rooms, `rooms`) list, or a `not_types` glob made only of '*'. (Synapse also looks for "*"
// in not_senders and not_rooms, which its own ID checks keep out, as ours do.)
bool blocks_everything(const EventFilter& filter);
bool blocks_everything(const RoomEventFilter& filter);
// The RoomFilter's own `rooms` list is empty: no room passes.
bool blocks_all_rooms(const RoomFilter& filter);

}  // namespace myelin::filter
