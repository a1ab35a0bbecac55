#include "services/rooms/room_state.hpp"

#include <algorithm>

namespace myelin::services {

const events::Pdu* RoomState::find(std::string_view type, std::string_view state_key) const {
  auto it = state->find(auth::StateKey(type, state_key));
  return it == state->end() ? nullptr : it->second.get();
}

std::string RoomState::membership_of(const std::string& user_id) const {
  const events::Pdu* member = find("m.room.member", user_id);
  return member ? std::string(member->membership()) : std::string();
}

std::int64_t RoomState::max_depth() const {
  std::int64_t depth = 0;
  for (const Extremity& e : extremities) depth = std::max(depth, e.depth);
  return depth;
}

void RoomState::set_state(std::shared_ptr<const StateMap> new_state) {
  auto auth = std::make_shared<auth::AuthState>();
  for (const auto& [key, pdu] : *new_state) auth->emplace_hint(auth->end(), key, pdu.get());
  state = std::move(new_state);
  auth_ = std::move(auth);
}

void RoomState::index_members(std::string_view server_name) {
  joined_local_users.clear();
  const std::string suffix = ":" + std::string(server_name);
  for (auto it = state->lower_bound(auth::StateKey("m.room.member", ""));
       it != state->end() && it->first.first == "m.room.member"; ++it) {
    const std::string& user = it->first.second;
    if (it->second->membership() == "join" && user.size() > suffix.size() &&
        user.compare(user.size() - suffix.size(), suffix.size(), suffix) == 0) {
      joined_local_users.push_back(user);
    }
  }
}

std::vector<std::string> RoomState::joined_users() const {
  std::vector<std::string> users;
  for (auto it = state->lower_bound(auth::StateKey("m.room.member", ""));
       it != state->end() && it->first.first == "m.room.member"; ++it) {
    if (it->second->membership() == "join") users.push_back(it->first.second);
  }
  return users;
}

}  // namespace myelin::services
