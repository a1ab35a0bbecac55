#include "services/rooms/room_summary.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <tuple>

namespace myelin::services {

namespace {

std::optional<std::string> string_field(const RoomState& room, std::string_view type,
                                        std::string_view key) {
  const events::Pdu* event = room.find(type, "");
  if (!event) return std::nullopt;
  const boost::json::value* value = event->content().if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

std::string lower(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

bool contains(const std::optional<std::string>& text, const std::string& needle) {
  return text && lower(*text).find(needle) != std::string::npos;
}

// The search term in the local part of the alias, as Synapse's LIKE '#%term%:%'.
bool alias_local_part_contains(const std::optional<std::string>& alias, const std::string& needle) {
  if (!alias) return false;
  const std::size_t colon = alias->find(':');
  return lower(alias->substr(1, colon == std::string::npos ? std::string::npos : colon - 1))
             .find(needle) != std::string::npos;
}

// Room versions compare as numbers where they are numbers ("10" after "9").
std::pair<long, std::string> version_key(const std::string& version) {
  char* end = nullptr;
  const long number = std::strtol(version.c_str(), &end, 10);
  if (end != version.c_str() && *end == '\0') return {number, ""};
  return {-1, version};
}

// -1, 0, 1 for a < b, a == b, a > b with absent values first (SQLite's NULL order).
template <typename T>
int compare(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a || !b) return a ? 1 : (b ? -1 : 0);
  return *a < *b ? -1 : (*b < *a ? 1 : 0);
}
template <typename T>
int compare(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Compares by the order column; `ascending` as Synapse's default direction for it.
using Comparison = std::function<int(const RoomSummary&, const RoomSummary&)>;

std::pair<Comparison, bool> comparison(const std::string& order_by) {
  using R = const RoomSummary&;
  if (order_by == "name" || order_by == "alphabetical") {
    return {[](R a, R b) { return compare(a.name, b.name); }, true};
  }
  if (order_by == "canonical_alias") {
    return {[](R a, R b) { return compare(a.canonical_alias, b.canonical_alias); }, true};
  }
  if (order_by == "joined_members" || order_by == "size") {
    return {[](R a, R b) { return compare(a.joined_members, b.joined_members); }, false};
  }
  if (order_by == "joined_local_members") {
    return {[](R a, R b) { return compare(a.joined_local_members, b.joined_local_members); },
            false};
  }
  if (order_by == "version") {
    return {[](R a, R b) { return compare(version_key(a.version), version_key(b.version)); },
            false};
  }
  if (order_by == "creator") return {[](R a, R b) { return compare(a.creator, b.creator); }, true};
  if (order_by == "encryption") {
    return {[](R a, R b) { return compare(a.encryption, b.encryption); }, true};
  }
  if (order_by == "federatable") {
    return {[](R a, R b) { return compare(a.federatable, b.federatable); }, true};
  }
  if (order_by == "public") {
    return {[](R a, R b) { return compare(a.is_public, b.is_public); }, true};
  }
  if (order_by == "join_rules") {
    return {[](R a, R b) { return compare(a.join_rules, b.join_rules); }, true};
  }
  if (order_by == "guest_access") {
    return {[](R a, R b) { return compare(a.guest_access, b.guest_access); }, true};
  }
  if (order_by == "history_visibility") {
    return {[](R a, R b) { return compare(a.history_visibility, b.history_visibility); }, true};
  }
  // state_events
  return {[](R a, R b) { return compare(a.state_events, b.state_events); }, false};
}

}  // namespace

RoomSummary summarize(const RoomState& room, const storage::RoomRecord& record) {
  RoomSummary summary;
  summary.room_id = room.room_id;
  summary.name = string_field(room, "m.room.name", "name");
  summary.canonical_alias = string_field(room, "m.room.canonical_alias", "alias");
  summary.joined_members = static_cast<std::int64_t>(room.joined_users().size());
  summary.joined_local_members = static_cast<std::int64_t>(room.joined_local_users.size());
  summary.version = std::string(room.version->id);
  summary.creator = record.creator;
  summary.encryption = string_field(room, "m.room.encryption", "algorithm");
  if (const events::Pdu* create = room.find("m.room.create", "")) {
    const boost::json::value* federate = create->content().if_contains("m.federate");
    summary.federatable = !(federate && federate->is_bool() && !federate->as_bool());
    summary.room_type = string_field(room, "m.room.create", "type");
  }
  summary.is_public = record.is_public;
  summary.join_rules = string_field(room, "m.room.join_rules", "join_rule");
  summary.guest_access = string_field(room, "m.room.guest_access", "guest_access");
  summary.history_visibility =
      string_field(room, "m.room.history_visibility", "history_visibility");
  summary.state_events = static_cast<std::int64_t>(room.state->size());
  summary.topic = string_field(room, "m.room.topic", "topic");
  summary.avatar = string_field(room, "m.room.avatar", "url");
  if (room.find("m.room.tombstone", "")) {
    summary.tombstoned = true;
    summary.replacement_room = string_field(room, "m.room.tombstone", "replacement_room");
  }
  return summary;
}

bool is_room_order(const std::string& order_by) {
  static const std::vector<std::string> kOrders = {"alphabetical",   "size",
                                                   "name",           "canonical_alias",
                                                   "joined_members", "joined_local_members",
                                                   "version",        "creator",
                                                   "encryption",     "federatable",
                                                   "public",         "join_rules",
                                                   "guest_access",   "history_visibility",
                                                   "state_events"};
  return std::find(kOrders.begin(), kOrders.end(), order_by) != kOrders.end();
}

std::vector<RoomSummary> select_rooms(std::vector<RoomSummary> rooms, const RoomListQuery& query) {
  std::erase_if(rooms, [&query](const RoomSummary& room) {
    if (query.search_term) {
      const std::string needle = lower(*query.search_term);
      if (!contains(room.name, needle) &&
          !alias_local_part_contains(room.canonical_alias, needle) &&
          room.room_id != *query.search_term) {
        return true;
      }
    }
    if (query.public_rooms && room.is_public != *query.public_rooms) return true;
    if (query.empty_rooms && (room.joined_members == 0) != *query.empty_rooms) return true;
    return false;
  });
  auto [by_column, ascending] = comparison(query.order_by);
  if (query.backwards) ascending = !ascending;
  std::sort(rooms.begin(), rooms.end(), [&](const RoomSummary& a, const RoomSummary& b) {
    int order = by_column(a, b);
    if (order == 0) order = compare(a.room_id, b.room_id);
    return ascending ? order < 0 : order > 0;
  });
  return rooms;
}

}  // namespace myelin::services
