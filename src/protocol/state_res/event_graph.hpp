#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/events/pdu.hpp"
#include "protocol/state_res/event_source.hpp"

namespace myelin::state_res {

// Dense index of an event inside one resolution.
using NodeId = std::uint32_t;

// The auth-event DAG of the events one resolution touches, loaded lazily from an EventSource.
// Events are indexed by small integers and keyed by views of their IDs (owned by the Pdus), so
// no event is copied. Auth chains are ChainIndex's.
class EventGraph {
 public:
  explicit EventGraph(const EventSource& source) : source_(source) {}
  EventGraph(const EventGraph&) = delete;
  EventGraph& operator=(const EventGraph&) = delete;

  // The event's node, loading it; nullopt when the source does not know it.
  std::optional<NodeId> node(std::string_view event_id);

  const events::Pdu& pdu(NodeId id) const { return *nodes_[id].pdu; }
  bool rejected(NodeId id) const { return nodes_[id].rejected; }
  std::size_t size() const { return nodes_.size(); }

  // The event's auth events that the source knows, in the order the event lists them. Unknown
  // ones are left out: an event's auth chain is what we can walk.
  const std::vector<NodeId>& auth_events(NodeId id);

  // The room's create event: from v12 (room_id_is_create_event_hash) the one named by the room ID,
  // before that the m.room.create among the event's auth events. nullopt when unknown.
  std::optional<NodeId> create_event_for(NodeId id);

  // The (type, "") event among the event's auth events, or nullopt.
  std::optional<NodeId> auth_event_of_type(NodeId id, std::string_view type);

 private:
  struct Node {
    const events::Pdu* pdu = nullptr;
    bool rejected = false;
    bool auth_loaded = false;
    std::vector<NodeId> auth;
  };

  const EventSource& source_;
  std::deque<Node> nodes_;  // a deque keeps references stable as nodes are added
  std::unordered_map<std::string_view, NodeId> index_;
};

}  // namespace myelin::state_res
