#include "protocol/auth/power_levels_rules.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "protocol/ids/user_id.hpp"
#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

using LevelMap = std::map<std::string, std::int64_t, std::less<>>;

constexpr std::array<std::string_view, 7> kNamedLevels = {
    "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"};

// v10 rules 9.1–9.2: power levels must be JSON integers, not strings (enforce_int_power_levels).
Expected<Ok> check_integer_types(const boost::json::object& content) {
  for (std::string_view key : kNamedLevels) {
    const boost::json::value* v = json::find(content, key);
    if (v && !json::as_int(*v))
      return fail("m.room.power_levels: " + std::string(key) + " is not an integer");
  }
  for (std::string_view key : {"events", "notifications"}) {
    const boost::json::value* v = json::find(content, key);
    if (!v) continue;
    if (!v->is_object())
      return fail("m.room.power_levels: " + std::string(key) + " is not an object");
    for (const auto& [name, level] : v->get_object()) {
      if (!json::as_int(level)) {
        return fail("m.room.power_levels: " + std::string(key) + " holds a non-integer value");
      }
    }
  }
  return Ok{};
}

// The rule on "users": an object of valid user IDs to power levels (integers; before v10 also
// integer strings).
Expected<Ok> check_users(const boost::json::object& content, const RoomVersion& version) {
  const boost::json::value* users = json::find(content, "users");
  if (!users) return Ok{};
  if (!users->is_object()) return fail("m.room.power_levels: users is not an object");
  for (const auto& [user, level] : users->get_object()) {
    if (!ids::UserId::parse(user, ids::UserIdGrammar::kHistorical)) {
      return fail("m.room.power_levels: users holds an invalid user ID");
    }
    if (!parse_power_level(level, version)) {
      return fail("m.room.power_levels: users holds an invalid power level");
    }
  }
  return Ok{};
}

// A named level: nullopt when absent, an error when present but not a power level (it cannot be
// compared, so the change cannot be authorised).
Expected<std::optional<std::int64_t>> named_level(const boost::json::object& content,
                                                  std::string_view key,
                                                  const RoomVersion& version) {
  const boost::json::value* v = json::find(content, key);
  if (!v) return std::optional<std::int64_t>();
  std::optional<std::int64_t> level = parse_power_level(*v, version);
  if (!level) return fail("m.room.power_levels: " + std::string(key) + " is not a power level");
  return level;
}

// A map of levels ("events", "notifications", "users"); absent or not an object reads as empty.
Expected<LevelMap> level_map(const boost::json::object& content, std::string_view key,
                             const RoomVersion& version) {
  LevelMap levels;
  const boost::json::object* map = json::find_object(content, key);
  if (!map) return levels;
  for (const auto& [name, value] : *map) {
    std::optional<std::int64_t> level = parse_power_level(value, version);
    if (!level) return fail("m.room.power_levels: " + std::string(key) + " holds an invalid level");
    levels.emplace(std::string(name), *level);
  }
  return levels;
}

const std::int64_t* find_level(const LevelMap& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// Rules 9.4–9.5 (v1–v9 numbering): an entry of events/notifications may change only if both its
// old and new values are at most the sender's level.
Expected<Ok> check_map_change(const LevelMap& old_map, const LevelMap& new_map,
                              PowerLevel sender_level, std::string_view what) {
  for (const auto& [key, old_level] : old_map) {
    const std::int64_t* new_level = find_level(new_map, key);
    if ((!new_level || *new_level != old_level) && PowerLevel(old_level) > sender_level) {
      return fail("m.room.power_levels: changing " + std::string(what) + "." + key +
                  " whose level is above the sender's");
    }
  }
  for (const auto& [key, new_level] : new_map) {
    const std::int64_t* old_level = find_level(old_map, key);
    if ((!old_level || *old_level != new_level) && PowerLevel(new_level) > sender_level) {
      return fail("m.room.power_levels: setting " + std::string(what) + "." + key +
                  " above the sender's level");
    }
  }
  return Ok{};
}

// Rules 9.6–9.7: other users whose level is at least the sender's cannot be changed; nobody can
// be raised above the sender.
Expected<Ok> check_users_change(const LevelMap& old_users, const LevelMap& new_users,
                                PowerLevel sender_level, std::string_view sender) {
  for (const auto& [user, old_level] : old_users) {
    if (user == sender) continue;
    const std::int64_t* new_level = find_level(new_users, user);
    if ((!new_level || *new_level != old_level) && PowerLevel(old_level) >= sender_level) {
      return fail("m.room.power_levels: changing " + user +
                  ", whose level is not below the sender's");
    }
  }
  for (const auto& [user, new_level] : new_users) {
    const std::int64_t* old_level = find_level(old_users, user);
    if ((!old_level || *old_level != new_level) && PowerLevel(new_level) > sender_level) {
      return fail("m.room.power_levels: raising " + user + " above the sender's level");
    }
  }
  return Ok{};
}

Expected<Ok> check_changes(const AuthContext& context, const boost::json::object& old_content) {
  const events::Pdu& event = context.event();
  const RoomVersion& version = context.version();
  const boost::json::object& content = event.content();
  PowerLevel sender_level = context.user_level(event.sender());

  for (std::string_view key : kNamedLevels) {
    auto old_level = named_level(old_content, key, version);
    if (!old_level) return fail(old_level.error());
    auto new_level = named_level(content, key, version);
    if (!new_level) return fail(new_level.error());
    if (*old_level == *new_level) continue;
    if (*old_level && PowerLevel(**old_level) > sender_level) {
      return fail("m.room.power_levels: changing " + std::string(key) +
                  " from above the sender's level");
    }
    if (*new_level && PowerLevel(**new_level) > sender_level) {
      return fail("m.room.power_levels: setting " + std::string(key) + " above the sender's level");
    }
  }

  std::vector<std::string_view> maps = {"events"};
  // v6: notifications are guarded like events (limit_notifications_power_levels).
  if (version.limit_notifications_power_levels) maps.push_back("notifications");
  for (std::string_view key : maps) {
    auto old_map = level_map(old_content, key, version);
    if (!old_map) return fail(old_map.error());
    auto new_map = level_map(content, key, version);
    if (!new_map) return fail(new_map.error());
    if (auto ok = check_map_change(*old_map, *new_map, sender_level, key); !ok) return ok;
  }

  auto old_users = level_map(old_content, "users", version);
  if (!old_users) return fail(old_users.error());
  auto new_users = level_map(content, "users", version);
  if (!new_users) return fail(new_users.error());
  return check_users_change(*old_users, *new_users, sender_level, event.sender());
}

}  // namespace

Expected<Ok> check_power_levels_change(const AuthContext& context) {
  const events::Pdu& event = context.event();
  const RoomVersion& version = context.version();
  const boost::json::object& content = event.content();
  if (version.enforce_int_power_levels) {
    if (auto ok = check_integer_types(content); !ok) return ok;
  }
  if (auto ok = check_users(content, version); !ok) return ok;
  if (version.privileged_creators) {
    // v12 rule 10.4: creators' infinite level cannot be written down or taken away.
    if (const boost::json::object* users = json::find_object(content, "users")) {
      for (const std::string& creator : context.power_levels().privileged_creators()) {
        if (users->contains(creator)) {
          return fail("m.room.power_levels: users lists the room creator " + creator);
        }
      }
    }
  }
  const events::Pdu* previous = find_state(context.state(), "m.room.power_levels", "");
  if (!previous) return Ok{};
  return check_changes(context, previous->content());
}

}  // namespace myelin::auth
