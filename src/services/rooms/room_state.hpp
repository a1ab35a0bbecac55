#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/auth/auth_state.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::services {

// A room as the server holds it in memory between events: its current state (the events
// themselves, ready for the auth rules), forward extremities and depth. Immutable once
// published; sending an event publishes a successor, so readers never see a half-made change.
using StateMap = std::map<auth::StateKey, std::shared_ptr<const events::Pdu>>;

// A full snapshot of the state every this many deltas bounds the work of reading a group back.
inline constexpr int kMaxStateChain = 50;

struct RoomState {
  struct Extremity {
    std::string event_id;
    std::string reference_hash;  // unpadded base64, for v1–v2 prev_events pairs
    std::int64_t depth = 0;
  };

  std::string room_id;
  const RoomVersion* version = nullptr;
  // Shared between successive RoomStates until a state event changes it. Replace it through
  // set_state(), which keeps the auth rules' view in step.
  std::shared_ptr<const StateMap> state = std::make_shared<const StateMap>();
  std::vector<Extremity> extremities;
  std::int64_t state_group = 0;                 // the state after the latest event
  int chain_length = 0;                         // deltas since the group's last full snapshot
  std::vector<std::string> joined_local_users;  // sorted

  const events::Pdu* find(std::string_view type, std::string_view state_key) const;
  // "" when the user has no membership event.
  std::string membership_of(const std::string& user_id) const;
  std::int64_t max_depth() const;
  // The state as the auth rules take it, built once per state change rather than per event.
  const auth::AuthState& auth_state() const { return *auth_; }
  void set_state(std::shared_ptr<const StateMap> new_state);
  // Recomputes joined_local_users from the member events in `state`.
  void index_members(std::string_view server_name);
  std::vector<std::string> joined_users() const;

 private:
  std::shared_ptr<const auth::AuthState> auth_ = std::make_shared<const auth::AuthState>();
};

using RoomStatePtr = std::shared_ptr<const RoomState>;

}  // namespace myelin::services
