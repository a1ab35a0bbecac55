#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "services/filter/filter.hpp"
#include "services/rooms/room_state.hpp"
#include "services/sync/typing_service.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

// What building one room's part of a sync response needs. Blocking: runs on the database pool.
struct RoomSyncInput {
  storage::Store& store;
  const TypingService& typing;
  const filter::Filter& filter;
  std::string user_id;
  std::string device_id;
  std::int64_t now_ms = 0;
  std::int64_t since = 0;  // 0: the whole room (initial sync, a new join, full_state)
  std::uint64_t typing_since = 0;
  std::uint64_t typing_upto = 0;  // the typing serial of the response's token
  std::int64_t to = 0;            // the response's stream position
  bool full_state = false;
};

struct RoomSyncResult {
  boost::json::object section;
  bool has_updates = false;
};

// A room in the "join" section: timeline (limited, prev_batch), state, ephemeral (typing,
// receipts), summary and unread notification counts. Room account data is added by the caller.
RoomSyncResult joined_room_sync(const RoomSyncInput& input, const RoomState& room);

// A room in the "leave" section: the timeline up to the user's leave at `left_at` and the state.
RoomSyncResult left_room_sync(const RoomSyncInput& input, const RoomState& room,
                              std::int64_t left_at);

// Renders stored events for a client, redacted ones with the redaction in
// unsigned.redacted_because.
boost::json::array render_events(storage::Store& store, const RoomVersion& version,
                                 const std::vector<storage::EventRecord>& events,
                                 const std::string& viewer_user, const std::string& viewer_device,
                                 std::int64_t now_ms, bool include_room_id);

}  // namespace myelin::services
