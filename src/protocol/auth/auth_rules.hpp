#pragma once

#include "base/expected.hpp"
#include "protocol/auth/auth_events_selection.hpp"
#include "protocol/auth/auth_state.hpp"
#include "protocol/events/pdu.hpp"

namespace myelin::auth {

// Whether the event is authorised by `state` under its room version's authorisation rules
// (spec /rooms/v1 … /rooms/v12 "Authorisation rules"). The error names the rule that failed.
//
// The caller has already verified the event's signatures, including the one required from the
// server of content.join_authorised_via_users_server (rule 4.2, v8+). Signatures on a
// third-party invite's `signed` block are checked here against the public keys of the
// m.room.third_party_invite event in `state`.
//
// `state` must hold (m.room.create, "") for every event but a create event; from v12, where
// auth_events do not list it, the caller adds the create event named by the room ID. The
// auth_events list rules (duplicates, selection, room, rejected entries) are
// check_auth_events_list's, since `state` may also be the room's current state.
Expected<Ok> check_auth(const events::Pdu& event, const AuthState& state);

}  // namespace myelin::auth
