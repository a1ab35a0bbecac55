#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "storage/store/store.hpp"

namespace myelin::services {

// Where a room's timeline begins: backfilled events sit at negative stream positions (see
// EventStore::persist_history), so a walk back to the start goes below zero.
inline constexpr std::int64_t kTimelineStart = std::numeric_limits<std::int64_t>::min();

// A page of a room's timeline as /messages reads it (spec client-server API "Getting events for
// a room"): from `from` in either direction, up to `to` (else the start or the ceiling).
struct TimelinePageRequest {
  std::string room_id;
  std::string user_id;
  std::string membership;  // the user's membership now (history visibility)
  bool backwards = true;
  std::int64_t from = 0;
  std::optional<std::int64_t> to;
  std::int64_t limit = 10;
  std::int64_t ceiling = std::numeric_limits<std::int64_t>::max();  // the last position readable
  std::function<bool(const storage::EventRecord&)> keep;            // the client's filter
  bool everything_visible = false;  // the Admin API reads past history visibility
};

struct TimelinePage {
  std::vector<storage::EventRecord> events;  // in the direction read
  std::int64_t next = 0;                     // where the next page starts
  bool exhausted = false;                    // nothing further in that direction here
};

// Reads on until the page is full or the room's history here ends (filters and history
// visibility may drop events). Blocking: run on the database pool.
TimelinePage read_timeline_page(storage::Store& store, const TimelinePageRequest& request);

}  // namespace myelin::services
