#include "services/push/push_condition.hpp"

#include <charconv>

#include "protocol/json/access.hpp"
#include "services/push/glob_matcher.hpp"
#include "services/push/property_path.hpp"

namespace myelin::services::push {
namespace {

// 2**53 - 1: the canonical JSON integer range event_property_is/contains compare within.
constexpr std::int64_t kMaxSafeInteger = 9007199254740991;

std::optional<std::int64_t> parse_decimal(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> safe_integer(const boost::json::value& v) {
  auto i = json::as_int(v);
  if (!i || *i > kMaxSafeInteger || *i < -kMaxSafeInteger) return std::nullopt;
  return i;
}

// Exact equality of non-compound values: strings, integers in range, booleans, null. No casts
// ("true" is not true, 1 is not true) and no floats.
bool scalar_equals(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_string() && b.is_string()) return a.get_string() == b.get_string();
  if (a.is_bool() && b.is_bool()) return a.get_bool() == b.get_bool();
  if (a.is_null() && b.is_null()) return true;
  auto x = safe_integer(a);
  auto y = safe_integer(b);
  return x && y && *x == *y;
}

bool event_match(const boost::json::object& condition, const boost::json::object& event,
                 const PushRoomContext& context) {
  auto key = json::find_string(condition, "key");
  auto pattern = json::find_string(condition, "pattern");
  if (!key || !pattern) return false;
  return glob_matches_property(event, *key, *pattern, context);
}

bool event_property_is(const boost::json::object& condition, const boost::json::object& event) {
  auto key = json::find_string(condition, "key");
  const boost::json::value* expected = condition.if_contains("value");
  if (!key || !expected) return false;
  const boost::json::value* value = find_property(event, *key);
  return value && scalar_equals(*value, *expected);
}

bool event_property_contains(const boost::json::object& condition,
                             const boost::json::object& event) {
  auto key = json::find_string(condition, "key");
  const boost::json::value* expected = condition.if_contains("value");
  if (!key || !expected) return false;
  const boost::json::value* value = find_property(event, *key);
  if (!value || !value->is_array()) return false;
  for (const boost::json::value& item : value->get_array()) {
    if (scalar_equals(item, *expected)) return true;
  }
  return false;
}

bool contains_display_name(const boost::json::object& event, const PushRoomContext& context) {
  if (context.display_name.empty()) return false;
  const boost::json::value* body = find_property(event, "content.body");
  if (!body || !body->is_string()) return false;
  return GlobMatcher::literal(context.display_name).matches_words(json::view(body->get_string()));
}

// "is": a decimal integer, optionally prefixed by ==, <, >, >= or <= (default ==).
bool room_member_count(const boost::json::object& condition, const PushRoomContext& context) {
  auto is = json::find_string(condition, "is");
  if (!is) return false;
  std::string_view text = *is;
  std::string_view op = "==";
  for (std::string_view prefix : {"==", "<=", ">=", "<", ">"}) {
    if (text.starts_with(prefix)) {
      op = prefix;
      text.remove_prefix(prefix.size());
      break;
    }
  }
  if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  auto number = parse_decimal(text);
  if (!number) return false;
  const std::int64_t count = context.member_count;
  if (op == "==") return count == *number;
  if (op == "<") return count < *number;
  if (op == ">") return count > *number;
  if (op == "<=") return count <= *number;
  return count >= *number;
}

bool sender_notification_permission(const boost::json::object& condition,
                                    const PushRoomContext& context) {
  auto key = json::find_string(condition, "key");
  if (!key) return false;
  auto level = context.notification_levels.find(*key);
  const std::int64_t required =
      level == context.notification_levels.end() ? kDefaultNotificationLevel : level->second;
  return context.sender_power_level >= required;
}

}  // namespace

bool glob_matches_property(const boost::json::object& event, std::string_view key,
                           std::string_view pattern, const PushRoomContext& context) {
  if (context.glob_matches) {
    if (std::optional<bool> known = context.glob_matches->find(key, pattern)) return *known;
  }
  bool matched = false;
  const boost::json::value* value = find_property(event, key);
  if (value && value->is_string()) {  // a missing or non-string value fails even pattern "*"
    GlobMatcher matcher(pattern);
    const std::string_view text = json::view(value->get_string());
    // content.body matches at word boundaries; every other key matches the whole value.
    matched = key == "content.body" ? matcher.matches_words(text) : matcher.matches_whole(text);
  }
  if (context.glob_matches) context.glob_matches->remember(key, pattern, matched);
  return matched;
}

NotificationLevels notification_levels_from_power_levels(const boost::json::object* content) {
  NotificationLevels levels;
  const boost::json::object* notifications =
      content ? json::find_object(*content, "notifications") : nullptr;
  if (!notifications) return levels;
  for (const auto& [key, value] : *notifications) {
    std::optional<std::int64_t> level = json::as_int(value);
    if (!level && value.is_string()) level = parse_decimal(json::view(value.get_string()));
    if (level) levels[std::string(key)] = *level;
  }
  return levels;
}

bool condition_matches(const boost::json::object& condition, const boost::json::object& event,
                       const PushRoomContext& context) {
  auto kind = json::find_string(condition, "kind");
  if (!kind) return false;
  if (*kind == "event_match") return event_match(condition, event, context);
  if (*kind == "event_property_is") return event_property_is(condition, event);
  if (*kind == "event_property_contains") return event_property_contains(condition, event);
  if (*kind == "contains_display_name") return contains_display_name(event, context);
  if (*kind == "room_member_count") return room_member_count(condition, context);
  if (*kind == "sender_notification_permission") {
    return sender_notification_permission(condition, context);
  }
  return false;  // unrecognised conditions MUST NOT match (spec "Conditions")
}

}  // namespace myelin::services::push
