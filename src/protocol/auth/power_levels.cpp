#include "protocol/auth/power_levels.hpp"

#include <algorithm>

#include "protocol/auth/room_creators.hpp"
#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

// A room creator's level when the room has no m.room.power_levels event (v1–v11).
constexpr std::int64_t kCreatorDefaultLevel = 100;
constexpr std::int64_t kRoomNotificationDefault = 50;

void read_level(const boost::json::object& content, std::string_view key,
                const RoomVersion& version, std::int64_t& out) {
  if (const boost::json::value* v = json::find(content, key)) {
    if (auto level = parse_power_level(*v, version)) out = *level;
  }
}

void read_map(const boost::json::object& content, std::string_view key, const RoomVersion& version,
              std::map<std::string, std::int64_t, std::less<>>& out) {
  const boost::json::object* map = json::find_object(content, key);
  if (!map) return;
  for (const auto& [name, value] : *map) {
    if (auto level = parse_power_level(value, version)) out.emplace(std::string(name), *level);
  }
}

}  // namespace

PowerLevels::PowerLevels(const RoomVersion& version, const events::Pdu* create,
                         const events::Pdu* power_levels) {
  if (create) {
    std::vector<std::string> creators = room_creators(*create);
    if (version.privileged_creators) {
      privileged_creators_ = std::move(creators);
    } else if (!creators.empty()) {
      default_creator_ = creators.front();
    }
  }
  if (!power_levels) return;
  has_event_ = true;
  const boost::json::object& content = power_levels->content();
  read_level(content, "users_default", version, users_default_);
  read_level(content, "events_default", version, events_default_);
  read_level(content, "state_default", version, state_default_);
  read_level(content, "invite", version, invite_);
  read_level(content, "kick", version, kick_);
  read_level(content, "ban", version, ban_);
  read_level(content, "redact", version, redact_);
  read_map(content, "users", version, users_);
  read_map(content, "events", version, events_);
  read_map(content, "notifications", version, notifications_);
}

PowerLevels PowerLevels::from_state(const RoomVersion& version, const AuthState& state) {
  return PowerLevels(version, find_state(state, "m.room.create", ""),
                     find_state(state, "m.room.power_levels", ""));
}

bool PowerLevels::is_privileged_creator(std::string_view user_id) const {
  return std::find(privileged_creators_.begin(), privileged_creators_.end(), user_id) !=
         privileged_creators_.end();
}

PowerLevel PowerLevels::user_level(std::string_view user_id) const {
  if (is_privileged_creator(user_id)) return PowerLevel::infinite();
  if (!has_event_) {
    return PowerLevel(default_creator_ == user_id ? kCreatorDefaultLevel : users_default_);
  }
  auto it = users_.find(user_id);
  return PowerLevel(it != users_.end() ? it->second : users_default_);
}

PowerLevel PowerLevels::event_level(std::string_view type, bool is_state) const {
  auto it = events_.find(type);
  if (it != events_.end()) return PowerLevel(it->second);
  return PowerLevel(is_state ? state_default_ : events_default_);
}

std::optional<PowerLevel> PowerLevels::notification_level(std::string_view key) const {
  auto it = notifications_.find(key);
  if (it != notifications_.end()) return PowerLevel(it->second);
  if (key == "room") return PowerLevel(kRoomNotificationDefault);
  return std::nullopt;
}

}  // namespace myelin::auth
