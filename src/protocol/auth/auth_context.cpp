#include "protocol/auth/auth_context.hpp"

#include "protocol/json/access.hpp"

namespace myelin::auth {

AuthContext::AuthContext(const events::Pdu& event, const AuthState& state,
                         const events::Pdu& create)
    : event_(event),
      version_(event.room_version()),
      state_(state),
      create_(create),
      power_levels_(PowerLevels::from_state(event.room_version(), state)) {}

std::string_view AuthContext::membership_of(std::string_view user_id) const {
  const events::Pdu* member = find_state(state_, "m.room.member", user_id);
  return member ? member->membership() : std::string_view();
}

std::string_view AuthContext::join_rule() const {
  const events::Pdu* rules = find_state(state_, "m.room.join_rules", "");
  if (!rules) return "invite";
  return json::find_string(rules->content(), "join_rule").value_or("invite");
}

std::string_view domain_of(std::string_view id) {
  std::size_t colon = id.find(':');
  return colon == std::string_view::npos ? std::string_view() : id.substr(colon + 1);
}

}  // namespace myelin::auth
