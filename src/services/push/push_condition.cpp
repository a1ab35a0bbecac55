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

// The value at a split property path, or nullptr (find_property without splitting again).
const boost::json::value* find_at(const boost::json::object& event,
                                  const std::vector<std::string>& path) {
  const boost::json::object* current = &event;
  const boost::json::value* found = nullptr;
  for (const std::string& part : path) {
    if (!current) return nullptr;
    found = current->if_contains(part);
    if (!found) return nullptr;
    current = found->if_object();
  }
  return found;
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

CompiledCondition::CompiledCondition(const boost::json::object& condition) {
  auto kind = json::find_string(condition, "kind");
  if (!kind) return;
  auto key = json::find_string(condition, "key");
  if (*kind == "event_match") {
    auto pattern = json::find_string(condition, "pattern");
    if (!key || !pattern) return;
    kind_ = Kind::kEventMatch;
    key_ = *key;
    pattern_ = *pattern;
  } else if (*kind == "event_property_is" || *kind == "event_property_contains") {
    const boost::json::value* value = condition.if_contains("value");
    if (!key || !value) return;
    kind_ = *kind == "event_property_is" ? Kind::kPropertyIs : Kind::kPropertyContains;
    key_ = *key;
    path_ = split_property_path(*key);
    value_ = *value;
  } else if (*kind == "contains_display_name") {
    kind_ = Kind::kContainsDisplayName;
  } else if (*kind == "room_member_count") {
    // "is": a decimal integer, optionally prefixed by ==, <, >, >= or <= (default ==).
    auto is = json::find_string(condition, "is");
    if (!is) return;
    std::string_view text = *is;
    comparison_ = Comparison::kEqual;
    for (auto [prefix, comparison] : {std::pair{"==", Comparison::kEqual},
                                      {"<=", Comparison::kLessOrEqual},
                                      {">=", Comparison::kGreaterOrEqual},
                                      {"<", Comparison::kLess},
                                      {">", Comparison::kGreater}}) {
      if (text.starts_with(prefix)) {
        comparison_ = comparison;
        text.remove_prefix(std::string_view(prefix).size());
        break;
      }
    }
    if (text.empty() || text.front() < '0' || text.front() > '9') return;
    auto number = parse_decimal(text);
    if (!number) return;
    kind_ = Kind::kRoomMemberCount;
    count_ = *number;
  } else if (*kind == "sender_notification_permission") {
    if (!key) return;
    kind_ = Kind::kSenderNotificationPermission;
    key_ = *key;
  }
  // Anything else stays kNever: unrecognised conditions MUST NOT match (spec "Conditions").
}

bool CompiledCondition::matches(const boost::json::object& event,
                                const PushRoomContext& context) const {
  switch (kind_) {
    case Kind::kNever:
      return false;
    case Kind::kEventMatch:
      return glob_matches_property(event, key_, pattern_, context);
    case Kind::kPropertyIs: {
      const boost::json::value* value = find_at(event, path_);
      return value && scalar_equals(*value, value_);
    }
    case Kind::kPropertyContains: {
      const boost::json::value* value = find_at(event, path_);
      if (!value || !value->is_array()) return false;
      for (const boost::json::value& item : value->get_array()) {
        if (scalar_equals(item, value_)) return true;
      }
      return false;
    }
    case Kind::kContainsDisplayName: {
      if (context.display_name.empty()) return false;
      const boost::json::value* body = find_property(event, "content.body");
      if (!body || !body->is_string()) return false;
      return GlobMatcher::literal(context.display_name)
          .matches_words(json::view(body->get_string()));
    }
    case Kind::kRoomMemberCount: {
      const std::int64_t count = context.member_count;
      switch (comparison_) {
        case Comparison::kEqual:
          return count == count_;
        case Comparison::kLess:
          return count < count_;
        case Comparison::kGreater:
          return count > count_;
        case Comparison::kLessOrEqual:
          return count <= count_;
        case Comparison::kGreaterOrEqual:
          return count >= count_;
      }
      return false;
    }
    case Kind::kSenderNotificationPermission: {
      auto level = context.notification_levels.find(key_);
      const std::int64_t required =
          level == context.notification_levels.end() ? kDefaultNotificationLevel : level->second;
      return context.sender_power_level >= required;
    }
  }
  return false;
}

CompiledConditions::CompiledConditions(const boost::json::array& list) {
  conditions.reserve(list.size());
  for (const boost::json::value& condition : list) {
    if (!condition.is_object()) {
      never = true;
      return;
    }
    conditions.emplace_back(condition.get_object());
  }
}

bool condition_matches(const boost::json::object& condition, const boost::json::object& event,
                       const PushRoomContext& context) {
  return CompiledCondition(condition).matches(event, context);
}

}  // namespace myelin::services::push
