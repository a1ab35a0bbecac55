#include "protocol/auth/auth_rules.hpp"

#include "protocol/auth/auth_context.hpp"
#include "protocol/auth/membership_rules.hpp"
#include "protocol/auth/power_levels_rules.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

// Rule 1: the m.room.create event.
Expected<Ok> check_create(const events::Pdu& event) {
  const RoomVersion& version = event.room_version();
  if (!event.prev_events().empty()) return fail("m.room.create must have no prev_events");
  if (version.room_id_is_create_event_hash) {
    // v12 rule 1.2: the room ID is derived from the event, so the event cannot carry one.
    if (event.json().contains("room_id")) return fail("m.room.create must have no room_id");
  } else if (domain_of(event.room_id()) != domain_of(event.sender())) {
    return fail("m.room.create: room_id domain differs from the sender's");
  }
  const boost::json::object& content = event.content();
  if (const boost::json::value* room_version = json::find(content, "room_version")) {
    if (!room_version->is_string() || !find_room_version(json::view(room_version->get_string()))) {
      return fail("m.room.create: content.room_version is not a recognised version");
    }
  }
  if (version.privileged_creators) {
    // v12 rule 1.4: the same user ID validation as the sender (the historical grammar).
    if (const boost::json::value* extra = json::find(content, "additional_creators")) {
      if (!extra->is_array()) return fail("m.room.create: additional_creators is not an array");
      for (const boost::json::value& user : extra->get_array()) {
        if (!user.is_string() ||
            !ids::UserId::parse(json::view(user.get_string()), ids::UserIdGrammar::kHistorical)) {
          return fail("m.room.create: additional_creators holds an invalid user ID");
        }
      }
    }
  }
  if (!version.implicit_room_creator && !content.contains("creator")) {
    return fail("m.room.create: content has no creator");
  }
  return Ok{};
}

// v1–v5 rule 4: m.room.aliases is governed by the sender's server alone.
Expected<Ok> check_aliases(const events::Pdu& event) {
  if (!event.state_key()) return fail("m.room.aliases without a state_key");
  if (domain_of(event.sender()) != *event.state_key()) {
    return fail("m.room.aliases: state_key is not the sender's server");
  }
  return Ok{};
}

// v1–v2 rule 11: a redaction needs the redact level, or the redacted event's ID to be from the
// same server as the redaction's. From v3 event IDs have no server and the rule is gone;
// the receiving server checks redactions when applying them instead.
Expected<Ok> check_redaction_v1(const AuthContext& context) {
  const events::Pdu& event = context.event();
  if (context.user_level(event.sender()) >= context.power_levels().redact_level()) return Ok{};
  if (event.redacts() && domain_of(*event.redacts()) == domain_of(event.event_id())) return Ok{};
  return fail("m.room.redaction: sender is below the redact level and from another server");
}

// Rules 6 onward for events that are not m.room.member (or aliases pre-v6).
Expected<Ok> check_general(const AuthContext& context) {
  const events::Pdu& event = context.event();
  const RoomVersion& version = context.version();
  if (context.membership_of(event.sender()) != "join") return fail("sender is not in the room");
  PowerLevel sender_level = context.user_level(event.sender());

  if (event.type() == "m.room.third_party_invite") {
    if (sender_level >= context.power_levels().invite_level()) return Ok{};
    return fail("m.room.third_party_invite: sender is below the invite level");
  }
  if (context.power_levels().event_level(event.type(), event.is_state()) > sender_level) {
    return fail("sender is below the power level required for " + event.type());
  }
  if (event.state_key() && event.state_key()->starts_with('@') &&
      *event.state_key() != event.sender()) {
    return fail("state_key starting with '@' must be the sender");
  }
  if (event.type() == "m.room.power_levels") return check_power_levels_change(context);
  // Event IDs carry a server name only in the v1 event format (v1–v2).
  if (version.event_format == EventFormat::kV1 && event.type() == "m.room.redaction") {
    return check_redaction_v1(context);
  }
  return Ok{};
}

}  // namespace

Expected<Ok> check_auth(const events::Pdu& event, const AuthState& state) {
  const RoomVersion& version = event.room_version();
  if (event.type() == "m.room.create") return check_create(event);

  const events::Pdu* create = find_state(state, "m.room.create", "");
  if (!create) return fail("no m.room.create event in the auth state");
  if (version.room_id_is_create_event_hash) {
    // v12 rule 2: the room ID is the create event's ID with the '!' sigil.
    const std::string& create_id = create->event_id();
    if (create_id.empty() || event.room_id() != "!" + create_id.substr(1)) {
      return fail("room_id is not the m.room.create event's ID");
    }
  }

  const boost::json::value* federate = json::find(create->content(), "m.federate");
  if (federate && federate->is_bool() && !federate->get_bool() &&
      domain_of(event.sender()) != domain_of(create->sender())) {
    return fail("the room is not federated and the sender is from another server");
  }

  if (version.special_case_aliases_auth && event.type() == "m.room.aliases") {
    return check_aliases(event);
  }

  AuthContext context(event, state, *create);
  if (event.type() == "m.room.member") return check_membership(context);
  return check_general(context);
}

}  // namespace myelin::auth
