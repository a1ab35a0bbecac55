#include "protocol/auth/membership_rules.hpp"

#include "protocol/auth/third_party_invite_rules.hpp"
#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

bool is_creator_join(const AuthContext& context, const std::string& target) {
  const events::Pdu& event = context.event();
  const events::Pdu& create = context.create();
  if (event.prev_events().size() != 1 || event.prev_events().front() != create.event_id()) {
    return false;
  }
  // v11: the creator is the create event's sender; before, content.creator.
  if (context.version().implicit_room_creator) return target == create.sender();
  auto creator = json::find_string(create.content(), "creator");
  return creator && *creator == target;
}

bool is_restricted_rule(const AuthContext& context, std::string_view join_rule) {
  const RoomVersion& version = context.version();
  return (version.restricted_join_rule && join_rule == "restricted") ||
         (version.knock_restricted_join_rule && join_rule == "knock_restricted");
}

bool is_knock_rule(const AuthContext& context, std::string_view join_rule) {
  return context.version().knock_join_rule && join_rule == "knock";
}

Expected<Ok> check_join(const AuthContext& context, const std::string& target) {
  const events::Pdu& event = context.event();
  if (is_creator_join(context, target)) return Ok{};
  if (event.sender() != target) return fail("join: sender is not the state_key");
  std::string_view membership = context.membership_of(target);
  if (membership == "ban") return fail("join: sender is banned");
  bool invited_or_joined = membership == "invite" || membership == "join";

  std::string_view join_rule = context.join_rule();
  if (join_rule == "invite" || is_knock_rule(context, join_rule)) {
    if (invited_or_joined) return Ok{};
    return fail("join: the room is invite-only and the sender is not invited");
  }
  if (is_restricted_rule(context, join_rule)) {
    if (invited_or_joined) return Ok{};
    auto authoriser = json::find_string(event.content(), "join_authorised_via_users_server");
    if (!authoriser) return fail("join: restricted room and no join_authorised_via_users_server");
    if (context.membership_of(*authoriser) != "join") {
      return fail("join: join_authorised_via_users_server is not in the room");
    }
    if (context.user_level(*authoriser) < context.power_levels().invite_level()) {
      return fail("join: join_authorised_via_users_server cannot invite");
    }
    return Ok{};
  }
  if (join_rule == "public") return Ok{};
  return fail("join: the join rule does not allow joining");
}

Expected<Ok> check_invite(const AuthContext& context, const std::string& target) {
  const events::Pdu& event = context.event();
  if (event.content().contains("third_party_invite")) return check_third_party_invite(context);
  if (context.membership_of(event.sender()) != "join") return fail("invite: sender is not joined");
  std::string_view target_membership = context.membership_of(target);
  if (target_membership == "join") return fail("invite: target is already joined");
  if (target_membership == "ban") return fail("invite: target is banned");
  if (context.user_level(event.sender()) >= context.power_levels().invite_level()) return Ok{};
  return fail("invite: sender is below the invite level");
}

Expected<Ok> check_leave(const AuthContext& context, const std::string& target) {
  const events::Pdu& event = context.event();
  if (event.sender() == target) {
    std::string_view membership = context.membership_of(target);
    if (membership == "invite" || membership == "join" ||
        (context.version().knock_join_rule && membership == "knock")) {
      return Ok{};
    }
    return fail("leave: the sender is not invited to, in, or knocking on the room");
  }
  if (context.membership_of(event.sender()) != "join") return fail("kick: sender is not joined");
  PowerLevel sender_level = context.user_level(event.sender());
  const PowerLevels& levels = context.power_levels();
  if (context.membership_of(target) == "ban" && sender_level < levels.ban_level()) {
    return fail("unban: sender is below the ban level");
  }
  if (sender_level >= levels.kick_level() && context.user_level(target) < sender_level) {
    return Ok{};
  }
  return fail("kick: sender is below the kick level or not above the target");
}

Expected<Ok> check_ban(const AuthContext& context, const std::string& target) {
  const events::Pdu& event = context.event();
  if (context.membership_of(event.sender()) != "join") return fail("ban: sender is not joined");
  PowerLevel sender_level = context.user_level(event.sender());
  if (sender_level >= context.power_levels().ban_level() &&
      context.user_level(target) < sender_level) {
    return Ok{};
  }
  return fail("ban: sender is below the ban level or not above the target");
}

Expected<Ok> check_knock(const AuthContext& context, const std::string& target) {
  const events::Pdu& event = context.event();
  std::string_view join_rule = context.join_rule();
  bool knockable = join_rule == "knock" || (context.version().knock_restricted_join_rule &&
                                            join_rule == "knock_restricted");
  if (!knockable) return fail("knock: the join rule does not allow knocking");
  if (event.sender() != target) return fail("knock: sender is not the state_key");
  std::string_view membership = context.membership_of(target);
  if (membership != "ban" && membership != "invite" && membership != "join") return Ok{};
  return fail("knock: the sender is banned, invited or joined");
}

}  // namespace

Expected<Ok> check_membership(const AuthContext& context) {
  const events::Pdu& event = context.event();
  if (!event.state_key()) return fail("m.room.member without a state_key");
  auto membership = json::find_string(event.content(), "membership");
  if (!membership) return fail("m.room.member without content.membership");
  const std::string& target = *event.state_key();
  if (*membership == "join") return check_join(context, target);
  if (*membership == "invite") return check_invite(context, target);
  if (*membership == "leave") return check_leave(context, target);
  if (*membership == "ban") return check_ban(context, target);
  if (*membership == "knock" && context.version().knock_join_rule) {
    return check_knock(context, target);
  }
  return fail("m.room.member: unknown membership \"" + std::string(*membership) + "\"");
}

}  // namespace myelin::auth
