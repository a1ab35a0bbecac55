#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "services/push/glob_match_memo.hpp"

namespace myelin::services::push {

// The "notifications" levels of a room's m.room.power_levels content, by key ("room", …).
using NotificationLevels = std::map<std::string, std::int64_t, std::less<>>;

// 50: the level a key missing from "notifications" requires (spec m.room.power_levels,
// notifications.room defaults to 50; Synapse applies it to every key).
inline constexpr std::int64_t kDefaultNotificationLevel = 50;

// The "notifications" object of a power levels content (nullptr: no power levels event). Levels
// given as decimal strings, as rooms before v10 allow, are read; other values are skipped.
NotificationLevels notification_levels_from_power_levels(const boost::json::object* content);

// What conditions need to know besides the event, for one user in one room.
struct PushRoomContext {
  std::string user_id;                  // whose rules these are
  std::string display_name;             // the user's display name in this room; empty: none
  std::int64_t member_count = 0;        // joined members
  std::int64_t sender_power_level = 0;  // the event sender's power level in the room
  NotificationLevels notification_levels;
  // Optional: glob outcomes shared by every member evaluated for the same event.
  GlobMatchMemo* glob_matches = nullptr;
};

// Whether `pattern` matches the string at `key` (a dotted property path) of `event`: the whole
// value, or at word boundaries for content.body (spec "Conditions", event_match). Remembered in
// context.glob_matches when set.
bool glob_matches_property(const boost::json::object& event, std::string_view key,
                           std::string_view pattern, const PushRoomContext& context);

// Whether one condition of an override/underride rule holds for `event` (a client-format event:
// type, content, sender, state_key, room_id, …). Unknown or malformed conditions never match
// (spec "Conditions").
bool condition_matches(const boost::json::object& condition, const boost::json::object& event,
                       const PushRoomContext& context);

}  // namespace myelin::services::push
