#include "protocol/state_res/iterative_auth_checks.hpp"

#include <string>
#include <vector>

#include "protocol/auth/auth_rules.hpp"
#include "protocol/auth/auth_state.hpp"

namespace myelin::state_res {
namespace {

void put(auth::AuthState& auth_state, const events::Pdu& event) {
  KeyView key = key_of(event);
  auth_state.insert_or_assign(auth::StateKey(key.first, key.second), &event);
}

// The state the event is authorised against during the iterative auth checks.
auth::AuthState auth_state_for(const RoomVersion& version, EventGraph& graph, NodeId event,
                               const WorkingState& state) {
  auth::AuthState auth_state;
  for (NodeId auth : graph.auth_events(event)) {
    if (!graph.rejected(auth) && graph.pdu(auth).state_key()) put(auth_state, graph.pdu(auth));
  }
  const events::Pdu& pdu = graph.pdu(event);
  for (const auth::StateKey& key : auth::auth_types_for_event(version, pdu.type(), pdu.sender(),
                                                              pdu.state_key(), pdu.content())) {
    auto it = state.find(KeyView(key.first, key.second));
    if (it == state.end() || graph.rejected(it->second)) continue;
    auth_state.insert_or_assign(key, &graph.pdu(it->second));
  }
  if (version.room_id_is_create_event_hash && !auth::find_state(auth_state, "m.room.create", "")) {
    // v12: auth_events never list the create event; the room ID names it.
    if (auto create = graph.create_event_for(event)) put(auth_state, graph.pdu(*create));
  }
  return auth_state;
}

}  // namespace

void iterative_auth_checks(const RoomVersion& version, EventGraph& graph,
                           std::span<const NodeId> events, WorkingState& state) {
  for (NodeId event : events) {
    const events::Pdu& pdu = graph.pdu(event);
    if (!pdu.state_key()) continue;  // only state events take part in state
    auth::AuthState auth_state = auth_state_for(version, graph, event, state);
    if (auth::check_auth(pdu, auth_state)) state.insert_or_assign(key_of(pdu), event);
  }
}

}  // namespace myelin::state_res
