#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "services/push/glob_match_memo.hpp"
#include "services/push/rule_outcome_memo.hpp"

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
  // Optional: whether the rules that name nobody matched it, shared likewise.
  RuleOutcomeMemo* rule_outcomes = nullptr;
};

// Whether `pattern` matches the string at `key` (a dotted property path) of `event`: the whole
// value, or at word boundaries for content.body (spec "Conditions", event_match). Remembered in
// context.glob_matches when set.
bool glob_matches_property(const boost::json::object& event, std::string_view key,
                           std::string_view pattern, const PushRoomContext& context);

// One condition of an override/underride rule, read from its JSON once (a rule set compiles its
// rules when built), so that testing it for each member and each event looks nothing up in the
// rule. Unknown or malformed conditions never match (spec "Conditions").
class CompiledCondition {
 public:
  explicit CompiledCondition(const boost::json::object& condition);
  // Whether it holds for `event` (a client-format event: type, content, sender, state_key,
  // room_id, …).
  bool matches(const boost::json::object& event, const PushRoomContext& context) const;

 private:
  enum class Kind {
    kNever,
    kEventMatch,
    kPropertyIs,
    kPropertyContains,
    kContainsDisplayName,
    kRoomMemberCount,
    kSenderNotificationPermission,
  };
  enum class Comparison { kEqual, kLess, kGreater, kLessOrEqual, kGreaterOrEqual };

  Kind kind_ = Kind::kNever;
  std::string key_;                // event_match, event_property_*, sender_notification_permission
  std::vector<std::string> path_;  // key_ split (event_property_*)
  std::string pattern_;            // event_match
  boost::json::value value_;       // event_property_*
  Comparison comparison_ = Comparison::kEqual;  // room_member_count
  std::int64_t count_ = 0;                      // room_member_count
};

// A rule's conditions compiled; `never` when one of them is not even an object.
struct CompiledConditions {
  explicit CompiledConditions(const boost::json::array& conditions);
  std::vector<CompiledCondition> conditions;
  bool never = false;
  int shared_slot = -1;  // the rule's PushRule::shared_slot
};

// Whether one condition holds for `event` (compiling it first: tests and one-off checks).
bool condition_matches(const boost::json::object& condition, const boost::json::object& event,
                       const PushRoomContext& context);

}  // namespace myelin::services::push
