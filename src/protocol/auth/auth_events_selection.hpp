#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "protocol/auth/auth_state.hpp"
#include "protocol/auth/state_key.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::auth {

// The state slots an event's auth_events may come from (spec server-server API "Auth events
// selection"): m.room.create (not from v12), m.room.power_levels, the sender's membership and,
// for m.room.member events, the target's membership, m.room.join_rules (join, invite, knock),
// the m.room.third_party_invite named by content.third_party_invite.signed.token, and (v8+,
// joins) the membership of content.join_authorised_via_users_server. Empty for m.room.create.
// No duplicates; order is not significant.
std::vector<StateKey> auth_types_for_event(const RoomVersion& version, std::string_view type,
                                           std::string_view sender,
                                           const std::optional<std::string>& state_key,
                                           const boost::json::object& content);

// The rule "considering the event's auth_events" (rule 2, or 3 from v12), over the event's
// auth events as fetched, in any order:
//  - every given event must be one the event lists in auth_events;
//  - no two may share a (type, state_key) (duplicates);
//  - each (type, state_key) must be one auth_types_for_event selects;
//  - v1–v11: one must be the m.room.create event; v12: none may be (it is implied by room_id);
//  - each must be in the event's room.
// Whether the auth events were themselves rejected (rule 2.3) is for the caller, who knows it.
// The list form is the one that can show duplicates; the map form cannot, so it checks the rest.
Expected<Ok> check_auth_events_list(const events::Pdu& event,
                                    std::span<const events::Pdu* const> auth_events);
Expected<Ok> check_auth_events_list(const events::Pdu& event, const AuthState& auth_events);

}  // namespace myelin::auth
