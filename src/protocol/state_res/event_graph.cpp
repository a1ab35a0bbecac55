#include "protocol/state_res/event_graph.hpp"

#include <string>

namespace myelin::state_res {

std::optional<NodeId> EventGraph::node(std::string_view event_id) {
  if (auto it = index_.find(event_id); it != index_.end()) return it->second;
  const events::Pdu* pdu = source_.find(event_id);
  if (!pdu) return std::nullopt;
  auto id = static_cast<NodeId>(nodes_.size());
  Node& node = nodes_.emplace_back();
  node.pdu = pdu;
  node.rejected = source_.is_rejected(event_id);
  // Keyed by the Pdu's own copy of the ID, which lives as long as the source.
  index_.emplace(std::string_view(pdu->event_id()), id);
  return id;
}

const std::vector<NodeId>& EventGraph::auth_events(NodeId id) {
  if (!nodes_[id].auth_loaded) {
    std::vector<NodeId> auth;
    for (const std::string& auth_id : nodes_[id].pdu->auth_events()) {
      if (auto auth_node = node(auth_id)) auth.push_back(*auth_node);
    }
    nodes_[id].auth = std::move(auth);
    nodes_[id].auth_loaded = true;
  }
  return nodes_[id].auth;
}

std::optional<NodeId> EventGraph::create_event_for(NodeId id) {
  const events::Pdu& event = pdu(id);
  if (event.room_version().room_id_is_create_event_hash) {
    if (event.type() == "m.room.create" && event.state_key() == "") return id;
    // v12: the room ID is "!" + the create event's reference hash, its event ID "$" + the same.
    const std::string& room_id = event.room_id();
    if (room_id.size() < 2) return std::nullopt;
    return node("$" + room_id.substr(1));
  }
  return auth_event_of_type(id, "m.room.create");
}

std::optional<NodeId> EventGraph::auth_event_of_type(NodeId id, std::string_view type) {
  for (NodeId auth : auth_events(id)) {
    const events::Pdu& event = pdu(auth);
    if (event.type() == type && event.state_key() == "") return auth;
  }
  return std::nullopt;
}

}  // namespace myelin::state_res
