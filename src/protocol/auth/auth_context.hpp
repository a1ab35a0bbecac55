#pragma once

#include <string_view>

#include "protocol/auth/auth_state.hpp"
#include "protocol/auth/power_levels.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::auth {

// What the rule checks read from the state while authorising one event (internal to the auth
// module): the room version, the create event, effective power levels and memberships.
class AuthContext {
 public:
  // create must be the state's (m.room.create, "") event.
  AuthContext(const events::Pdu& event, const AuthState& state, const events::Pdu& create);

  const events::Pdu& event() const { return event_; }
  const RoomVersion& version() const { return version_; }
  const AuthState& state() const { return state_; }
  const events::Pdu& create() const { return create_; }
  const PowerLevels& power_levels() const { return power_levels_; }

  // The user's current membership ("join", "ban", …), or "" when the state has none.
  std::string_view membership_of(std::string_view user_id) const;
  // content.join_rule of the current m.room.join_rules; "invite" when there is none (as
  // Synapse, so rooms without the event are closed).
  std::string_view join_rule() const;
  PowerLevel user_level(std::string_view user_id) const {
    return power_levels_.user_level(user_id);
  }

 private:
  const events::Pdu& event_;
  const RoomVersion& version_;
  const AuthState& state_;
  const events::Pdu& create_;
  PowerLevels power_levels_;
};

// The server name part of a user, room (v1–v11) or event (v1–v2) ID: everything after the first
// ':' (localparts and opaque parts contain none); "" when there is no ':'.
std::string_view domain_of(std::string_view id);

}  // namespace myelin::auth
