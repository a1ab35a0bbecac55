#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/auth/auth_state.hpp"
#include "protocol/auth/power_level.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::auth {

// The effective power levels of a room: its m.room.power_levels event with the spec's defaults
// filled in, or the defaults alone when the room has none (spec: event m.room.power_levels and
// server-server API "Definitions"):
//   users_default 0, events_default 0, state_default 50, invite 0, kick 50, ban 50, redact 50,
//   notifications.room 50; without the event, the creator (v1–v11) has 100.
// From v12 (privileged_creators) the creators have an infinite level whatever the event says.
// Values that cannot be read as power levels for the room version fall back to the defaults;
// the auth rules, not this class, reject events that carry them.
class PowerLevels {
 public:
  // create and power_levels may each be null (absent from the state).
  PowerLevels(const RoomVersion& version, const events::Pdu* create,
              const events::Pdu* power_levels);
  // From (m.room.create, "") and (m.room.power_levels, "") in the state.
  static PowerLevels from_state(const RoomVersion& version, const AuthState& state);

  bool has_power_levels_event() const { return has_event_; }

  PowerLevel user_level(std::string_view user_id) const;
  // The level needed to send an event of this type (the "required power level").
  PowerLevel event_level(std::string_view type, bool is_state) const;
  PowerLevel invite_level() const { return PowerLevel(invite_); }
  PowerLevel kick_level() const { return PowerLevel(kick_); }
  PowerLevel ban_level() const { return PowerLevel(ban_); }
  PowerLevel redact_level() const { return PowerLevel(redact_); }
  PowerLevel users_default() const { return PowerLevel(users_default_); }
  PowerLevel events_default() const { return PowerLevel(events_default_); }
  PowerLevel state_default() const { return PowerLevel(state_default_); }
  // The level for a notification key; "room" defaults to 50, other keys have no default.
  std::optional<PowerLevel> notification_level(std::string_view key) const;

  // The v12 creators (infinite level); empty before v12.
  const std::vector<std::string>& privileged_creators() const { return privileged_creators_; }
  bool is_privileged_creator(std::string_view user_id) const;

 private:
  using LevelMap = std::map<std::string, std::int64_t, std::less<>>;

  bool has_event_ = false;
  std::int64_t users_default_ = 0;
  std::int64_t events_default_ = 0;
  std::int64_t state_default_ = 50;
  std::int64_t invite_ = 0;
  std::int64_t kick_ = 50;
  std::int64_t ban_ = 50;
  std::int64_t redact_ = 50;
  LevelMap users_;
  LevelMap events_;
  LevelMap notifications_;
  // Pre-v12, without a power levels event: the user who gets 100.
  std::optional<std::string> default_creator_;
  std::vector<std::string> privileged_creators_;
};

}  // namespace myelin::auth
