#include "protocol/auth/auth_events_selection.hpp"

#include <algorithm>
#include <set>

#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

void add_unique(std::vector<StateKey>& keys, std::string_view type, std::string_view state_key) {
  StateKey key(type, state_key);
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
}

std::string describe(const StateKey& key) { return "(" + key.first + ", \"" + key.second + "\")"; }

}  // namespace

std::vector<StateKey> auth_types_for_event(const RoomVersion& version, std::string_view type,
                                           std::string_view sender,
                                           const std::optional<std::string>& state_key,
                                           const boost::json::object& content) {
  std::vector<StateKey> keys;
  if (type == "m.room.create") return keys;
  // v12: the room ID names the create event, so it is not listed (spec /rooms/v12).
  if (!version.room_id_is_create_event_hash) add_unique(keys, "m.room.create", "");
  add_unique(keys, "m.room.power_levels", "");
  add_unique(keys, "m.room.member", sender);
  if (type != "m.room.member" || !state_key) return keys;

  add_unique(keys, "m.room.member", *state_key);
  std::string_view membership = json::find_string(content, "membership").value_or("");
  if (membership == "join" || membership == "invite" || membership == "knock") {
    add_unique(keys, "m.room.join_rules", "");
  }
  if (membership == "invite") {
    if (const boost::json::object* invite = json::find_object(content, "third_party_invite")) {
      if (const boost::json::object* signed_block = json::find_object(*invite, "signed")) {
        if (auto token = json::find_string(*signed_block, "token")) {
          add_unique(keys, "m.room.third_party_invite", *token);
        }
      }
    }
  }
  if (membership == "join" && version.restricted_join_rule) {
    if (auto authoriser = json::find_string(content, "join_authorised_via_users_server")) {
      add_unique(keys, "m.room.member", *authoriser);
    }
  }
  return keys;
}

Expected<Ok> check_auth_events_list(const events::Pdu& event,
                                    std::span<const events::Pdu* const> auth_events) {
  const RoomVersion& version = event.room_version();
  // The create event starts the room: it has no auth events at all.
  if (event.type() == "m.room.create" && event.state_key() == "") {
    if (!auth_events.empty()) return fail("an m.room.create event has no auth events");
    return Ok{};
  }
  std::vector<StateKey> allowed = auth_types_for_event(version, event.type(), event.sender(),
                                                       event.state_key(), event.content());
  std::set<StateKey> seen;
  bool has_create = false;
  for (const events::Pdu* auth_event : auth_events) {
    const std::vector<std::string>& listed = event.auth_events();
    if (std::find(listed.begin(), listed.end(), auth_event->event_id()) == listed.end()) {
      return fail("auth event " + auth_event->event_id() + " is not in the event's auth_events");
    }
    if (!auth_event->state_key()) {
      return fail("auth event " + auth_event->event_id() + " is not a state event");
    }
    StateKey key(auth_event->type(), *auth_event->state_key());
    if (!seen.insert(key).second) return fail("duplicate auth events for " + describe(key));
    if (key.first == "m.room.create" && key.second.empty()) {
      if (version.room_id_is_create_event_hash) {
        return fail("the m.room.create event must not be listed in auth_events");
      }
      has_create = true;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return fail("auth event " + describe(key) + " is not selected by the auth events rules");
    }
    if (auth_event->room_id() != event.room_id()) {
      return fail("auth event " + auth_event->event_id() + " belongs to another room");
    }
  }
  if (!version.room_id_is_create_event_hash && !has_create) {
    return fail("no m.room.create event among the auth events");
  }
  return Ok{};
}

Expected<Ok> check_auth_events_list(const events::Pdu& event, const AuthState& auth_events) {
  std::vector<const events::Pdu*> list;
  list.reserve(auth_events.size());
  for (const auto& [key, auth_event] : auth_events) list.push_back(auth_event);
  return check_auth_events_list(event, list);
}

}  // namespace myelin::auth
