#include "services/rooms/public_rooms.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "base/base64.hpp"
#include "protocol/auth/power_levels.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

// content[key] of the state event (type, ""), when it is a string.
std::optional<std::string> state_string(const RoomState& room, std::string_view type,
                                        std::string_view key) {
  const events::Pdu* event = room.find(type, "");
  if (!event) return std::nullopt;
  const bj::value* value = event->content().if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool field_contains(const bj::object& entry, std::string_view key, const std::string& needle) {
  const bj::value* value = entry.if_contains(key);
  return value && value->is_string() &&
         ascii_lower(value->as_string()).find(needle) != std::string::npos;
}

// Directory order: more members first, then room ID (a total order: room IDs are unique).
bool comes_before(std::int64_t members_a, std::string_view room_a, std::int64_t members_b,
                  std::string_view room_b) {
  if (members_a != members_b) return members_a > members_b;
  return room_a < room_b;
}

// A page boundary: the entry a page ended (forward) or started (backward) with.
struct Boundary {
  bool forward = true;
  std::int64_t members = 0;
  std::string room_id;
};

std::string encode_token(bool forward, const PublicRoomEntry& entry) {
  return base64::encode_url(std::string(forward ? "f" : "b") +
                            std::to_string(entry.num_joined_members) + ":" + entry.room_id);
}

std::optional<Boundary> decode_token(std::string_view token) {
  auto text = base64::decode_url(token);
  if (!text || text->size() < 3 || ((*text)[0] != 'f' && (*text)[0] != 'b')) return std::nullopt;
  const std::size_t colon = text->find(':');
  if (colon == std::string::npos || colon < 2) return std::nullopt;
  Boundary boundary;
  boundary.forward = (*text)[0] == 'f';
  const char* first = text->data() + 1;
  const char* last = text->data() + colon;
  auto [end, error] = std::from_chars(first, last, boundary.members);
  if (error != std::errc() || end != last || boundary.members < 0) return std::nullopt;
  boundary.room_id = text->substr(colon + 1);
  if (boundary.room_id.empty()) return std::nullopt;
  return boundary;
}

}  // namespace

std::optional<PublicRoomEntry> public_room_entry(const RoomState& room) {
  const std::optional<std::string> join_rule = state_string(room, "m.room.join_rules", "join_rule");
  const bool world_readable =
      state_string(room, "m.room.history_visibility", "history_visibility") == "world_readable";
  const bool joinable =
      join_rule == "public" || join_rule == "knock" || join_rule == "knock_restricted";
  if (!joinable && !world_readable) return std::nullopt;

  PublicRoomEntry entry;
  entry.room_id = room.room_id;
  entry.num_joined_members = static_cast<std::int64_t>(room.joined_users().size());
  bj::object& json = entry.json;
  json["room_id"] = room.room_id;
  json["num_joined_members"] = entry.num_joined_members;
  json["world_readable"] = world_readable;
  json["guest_can_join"] = state_string(room, "m.room.guest_access", "guest_access") == "can_join";
  if (join_rule) json["join_rule"] = *join_rule;
  if (auto name = state_string(room, "m.room.name", "name")) json["name"] = *name;
  if (auto topic = state_string(room, "m.room.topic", "topic")) json["topic"] = *topic;
  if (auto alias = state_string(room, "m.room.canonical_alias", "alias")) {
    json["canonical_alias"] = *alias;
  }
  if (auto avatar = state_string(room, "m.room.avatar", "url")) json["avatar_url"] = *avatar;
  if (auto type = state_string(room, "m.room.create", "type")) json["room_type"] = *type;
  return entry;
}

bool may_edit_room_directory(const RoomState& room, const std::string& user_id) {
  if (room.membership_of(user_id) != "join" || !room.version) return false;
  const auth::AuthState state = room.auth_state();
  const auth::PowerLevels levels = auth::PowerLevels::from_state(*room.version, state);
  return levels.user_level(user_id) >= levels.event_level("m.room.canonical_alias", true);
}

bool matches_filter(const PublicRoomEntry& entry, const PublicRoomsFilter& filter) {
  if (filter.room_types) {
    const bj::value* type = entry.json.if_contains("room_type");
    std::optional<std::string> room_type;
    if (type && type->is_string()) room_type = std::string(type->as_string());
    if (std::find(filter.room_types->begin(), filter.room_types->end(), room_type) ==
        filter.room_types->end()) {
      return false;
    }
  }
  if (filter.generic_search_term && !filter.generic_search_term->empty()) {
    const std::string needle = ascii_lower(*filter.generic_search_term);
    return field_contains(entry.json, "name", needle) ||
           field_contains(entry.json, "topic", needle) ||
           field_contains(entry.json, "canonical_alias", needle);
  }
  return true;
}

Expected<PublicRoomsPage> paginate_public_rooms(std::vector<PublicRoomEntry> entries,
                                                std::optional<std::int64_t> limit,
                                                const std::optional<std::string>& since) {
  std::optional<Boundary> boundary;
  if (since && !since->empty()) {
    boundary = decode_token(*since);
    if (!boundary) return fail("Invalid pagination token");
  }
  std::sort(entries.begin(), entries.end(), [](const PublicRoomEntry& a, const PublicRoomEntry& b) {
    return comes_before(a.num_joined_members, a.room_id, b.num_joined_members, b.room_id);
  });
  const std::size_t total = entries.size();
  const std::size_t page_size = limit && *limit > 0 ? static_cast<std::size_t>(*limit) : total;

  // [begin, end) of the page within `entries`.
  std::size_t begin = 0;
  std::size_t end = std::min(total, page_size);
  if (boundary) {
    // The first entry after the boundary entry: where a forward page starts and a backward
    // page ends.
    auto after =
        std::partition_point(entries.begin(), entries.end(), [&boundary](const PublicRoomEntry& e) {
          return !comes_before(boundary->members, boundary->room_id, e.num_joined_members,
                               e.room_id);
        });
    const auto split = static_cast<std::size_t>(after - entries.begin());
    if (boundary->forward) {
      begin = split;
      end = std::min(total, begin + page_size);
    } else {
      // A backward page ends before its boundary entry.
      end = split;
      if (end > 0 && entries[end - 1].room_id == boundary->room_id &&
          entries[end - 1].num_joined_members == boundary->members) {
        --end;
      }
      begin = end > page_size ? end - page_size : 0;
    }
  }

  PublicRoomsPage page;
  page.total_room_count_estimate = static_cast<std::int64_t>(total);
  if (begin > 0 && begin < total) page.prev_batch = encode_token(false, entries[begin]);
  if (end < total && end > begin) page.next_batch = encode_token(true, entries[end - 1]);
  page.chunk.assign(std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(begin)),
                    std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(end)));
  return page;
}

}  // namespace myelin::services
