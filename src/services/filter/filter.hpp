#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace myelin::filter {

// The typed form of a client's filter (spec: client-server "Filtering", the Filter,
// EventFilter, RoomFilter and RoomEventFilter definitions of POST /user/{userId}/filter).
//
// Lists keep the difference between absent and empty: an absent `types`, `senders` or `rooms`
// list lets everything through, an empty one lets nothing through. An absent `not_*` list
// excludes nothing, as does an empty one; both are kept as uploaded so GET renders them back.

// Which shape events are returned in; `client` by default.
enum class EventFormat { kClient, kFederation };

struct EventFilter {
  // The maximum number of events to return (>= 1 when present). Absent: the endpoint's default;
  // read it through limit_or().
  std::optional<std::int64_t> limit;
  std::optional<std::vector<std::string>> types;  // globs: '*' matches any run of characters
  std::optional<std::vector<std::string>> not_types;
  std::optional<std::vector<std::string>> senders;
  std::optional<std::vector<std::string>> not_senders;

  // The limit to apply: the client's when given, else `fallback`, never above `max` (the spec
  // asks servers to impose a maximum to avoid resource exhaustion).
  std::int64_t limit_or(std::int64_t fallback, std::int64_t max) const;

  bool operator==(const EventFilter&) const = default;
};

struct RoomEventFilter : EventFilter {
  std::optional<std::vector<std::string>> rooms;
  std::optional<std::vector<std::string>> not_rooms;
  // Absent: `url` is not considered. true: only events whose content has a string `url`;
  // false: only events without one.
  std::optional<bool> contains_url;
  bool lazy_load_members = false;
  // Only meaningful with lazy_load_members.
  bool include_redundant_members = false;
  bool unread_thread_notifications = false;  // spec v1.4; /sync only

  bool operator==(const RoomEventFilter&) const = default;
};

struct RoomFilter {
  // Applied before the ephemeral, state, timeline and account_data filters.
  std::optional<std::vector<std::string>> rooms;
  std::optional<std::vector<std::string>> not_rooms;
  bool include_leave = false;
  RoomEventFilter ephemeral;
  RoomEventFilter state;
  RoomEventFilter timeline;
  RoomEventFilter account_data;

  bool operator==(const RoomFilter&) const = default;
};

struct Filter {
  // Dot-separated property paths (spec appendix "Dot-separated property paths"). Absent or
  // empty: every field (Synapse also treats an empty list as "no projection").
  std::optional<std::vector<std::string>> event_fields;
  // Absent renders as absent; the effective format is client.
  std::optional<EventFormat> event_format;
  EventFilter presence;
  EventFilter account_data;
  RoomFilter room;

  EventFormat format() const { return event_format.value_or(EventFormat::kClient); }
  // For /sync, lazy loading is asked for on the state filter (as Synapse and the clients that
  // use it do: `{"room": {"state": {"lazy_load_members": true}}}`).
  bool lazy_load_members() const { return room.state.lazy_load_members; }
  bool include_redundant_members() const { return room.state.include_redundant_members; }

  bool operator==(const Filter&) const = default;
};

}  // namespace myelin::filter
