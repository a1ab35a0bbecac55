#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "services/rooms/room_state.hpp"

namespace myelin::services {

// One room of the published room directory: its PublicRoomsChunk entry (spec client-server API
// "Listing rooms") and the keys the directory is ordered by.
struct PublicRoomEntry {
  std::string room_id;
  std::int64_t num_joined_members = 0;
  boost::json::object json;
};

struct PublicRoomsFilter {
  // Matched, ignoring ASCII case, against the name, topic and canonical alias.
  std::optional<std::string> generic_search_term;
  // nullopt: every room. Otherwise the room types wanted; a nullopt element stands for the
  // spec's `null` (rooms without a type).
  std::optional<std::vector<std::optional<std::string>>> room_types;
};

struct PublicRoomsPage {
  std::vector<PublicRoomEntry> chunk;
  std::optional<std::string> next_batch;
  std::optional<std::string> prev_batch;
  std::int64_t total_room_count_estimate = 0;
};

// The directory entry for a published room, built from its current state. Fields the state
// does not give are omitted rather than null, as Synapse does. nullopt for a room that may not
// be listed even when published: one that neither anyone may join or knock on nor is world
// readable (Synapse's rule: join rule public, knock or knock_restricted, or history visibility
// world_readable).
std::optional<PublicRoomEntry> public_room_entry(const RoomState& room);

// Whether the user may publish the room, unpublish it or delete others' aliases of it: joined,
// with the power level to send m.room.canonical_alias (Synapse's check_can_change_room_list;
// server admins are let through by the caller).
bool may_edit_room_directory(const RoomState& room, const std::string& user_id);

bool matches_filter(const PublicRoomEntry& entry, const PublicRoomsFilter& filter);

// One page of the directory: entries ordered by num_joined_members descending, then room ID.
// `limit` nullopt or 0 means every entry (0 is Synapse's "no limit"). `since` is a next_batch
// or prev_batch token of an earlier page; the direction is the token's. Tokens name the
// boundary entry, not an offset, so a page does not repeat or skip rooms when rooms before
// it appear or disappear. Fails for a token this function did not make.
Expected<PublicRoomsPage> paginate_public_rooms(std::vector<PublicRoomEntry> entries,
                                                std::optional<std::int64_t> limit,
                                                const std::optional<std::string>& since);

}  // namespace myelin::services
