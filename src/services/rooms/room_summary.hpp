#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/rooms/room_state.hpp"
#include "storage/store/room_store.hpp"

namespace myelin::services {

// A room as the Synapse Admin API lists it (GET /_synapse/admin/v1/rooms), from its current
// state and its rooms row.
struct RoomSummary {
  std::string room_id;
  std::optional<std::string> name;
  std::optional<std::string> canonical_alias;
  std::int64_t joined_members = 0;
  std::int64_t joined_local_members = 0;
  std::string version;
  std::string creator;
  std::optional<std::string> encryption;
  bool federatable = true;
  bool is_public = false;
  std::optional<std::string> join_rules;
  std::optional<std::string> guest_access;
  std::optional<std::string> history_visibility;
  std::int64_t state_events = 0;
  std::optional<std::string> room_type;
  // Details only (GET /_synapse/admin/v1/rooms/{roomId}).
  std::optional<std::string> topic;
  std::optional<std::string> avatar;
  bool tombstoned = false;
  std::optional<std::string> replacement_room;
};

RoomSummary summarize(const RoomState& room, const storage::RoomRecord& record);

struct RoomListQuery {
  std::int64_t from = 0;
  std::int64_t limit = 100;
  std::string order_by = "name";
  bool backwards = false;  // dir=b reverses the order
  std::optional<std::string> search_term;
  std::optional<bool> public_rooms;
  std::optional<bool> empty_rooms;
};

// Synapse's order_by values (alphabetical and size are deprecated aliases of name and
// joined_members).
bool is_room_order(const std::string& order_by);

// Keeps the rooms the query's search term and filters select, sorted as Synapse sorts them:
// text columns ascending with absent values first, counts and versions largest first; ties by
// room ID in the same direction.
std::vector<RoomSummary> select_rooms(std::vector<RoomSummary> rooms, const RoomListQuery& query);

}  // namespace myelin::services
