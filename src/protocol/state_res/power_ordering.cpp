#include "protocol/state_res/power_ordering.hpp"

#include <algorithm>
#include <cstdint>
#include <queue>
#include <string_view>
#include <unordered_map>

#include "protocol/auth/power_levels.hpp"
#include "protocol/state_res/chain_index.hpp"

namespace myelin::state_res {
namespace {

// The comparison relation's inputs for one event, computed once.
struct SortKey {
  auth::PowerLevel power;
  std::int64_t origin_server_ts;
  std::string_view event_id;
  std::size_t local;  // index into the caller's list
};

// "x < y" of the spec: greater power first, then lower timestamp, then lower event ID.
bool precedes(const SortKey& x, const SortKey& y) {
  if (x.power != y.power) return x.power > y.power;
  if (x.origin_server_ts != y.origin_server_ts) return x.origin_server_ts < y.origin_server_ts;
  return x.event_id < y.event_id;
}

}  // namespace

bool is_power_event(const events::Pdu& event) {
  if (!event.state_key()) return false;
  const std::string& type = event.type();
  if (type == "m.room.power_levels" || type == "m.room.join_rules") return true;
  if (type != "m.room.member") return false;
  std::string_view membership = event.membership();
  return (membership == "leave" || membership == "ban") && event.sender() != *event.state_key();
}

auth::PowerLevel sender_power_level(EventGraph& graph, NodeId event) {
  PowerLevelsCache cache;
  return sender_power_level(graph, event, cache);
}

auth::PowerLevel sender_power_level(EventGraph& graph, NodeId event, PowerLevelsCache& cache) {
  std::optional<NodeId> power_levels = graph.auth_event_of_type(event, "m.room.power_levels");
  std::optional<NodeId> create = graph.create_event_for(event);
  const events::Pdu& pdu = graph.pdu(event);
  // Many events cite the same power levels; read each one's content once.
  auto key = std::make_pair(power_levels.value_or(kNoNode), create.value_or(kNoNode));
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache
             .emplace(key,
                      auth::PowerLevels(pdu.room_version(), create ? &graph.pdu(*create) : nullptr,
                                        power_levels ? &graph.pdu(*power_levels) : nullptr))
             .first;
  }
  return it->second.user_level(pdu.sender());
}

std::vector<NodeId> reverse_topological_power_order(EventGraph& graph,
                                                    std::span<const NodeId> events) {
  std::unordered_map<NodeId, std::size_t> local_of;
  local_of.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) local_of.emplace(events[i], i);

  // Edges from each event's in-set auth ancestors to it. Using the whole auth chain rather than
  // direct auth events keeps the order right when a path leaves the set and comes back.
  std::vector<std::size_t> pending(events.size(), 0);
  std::vector<std::vector<std::size_t>> dependents(events.size());
  std::vector<SortKey> keys;
  keys.reserve(events.size());
  ChainIndex chains(graph, events);
  PowerLevelsCache power_levels;
  for (std::size_t i = 0; i < events.size(); ++i) {
    for (NodeId ancestor : chains.chosen_ancestors(events[i])) {
      auto it = local_of.find(ancestor);
      if (it == local_of.end() || it->second == i) continue;
      dependents[it->second].push_back(i);
      ++pending[i];
    }
    const events::Pdu& pdu = graph.pdu(events[i]);
    keys.push_back({sender_power_level(graph, events[i], power_levels), pdu.origin_server_ts(),
                    pdu.event_id(), i});
  }

  auto later = [](const SortKey& x, const SortKey& y) { return precedes(y, x); };
  std::priority_queue<SortKey, std::vector<SortKey>, decltype(later)> ready(later);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (pending[i] == 0) ready.push(keys[i]);
  }
  std::vector<NodeId> order;
  order.reserve(events.size());
  while (!ready.empty()) {
    std::size_t i = ready.top().local;
    ready.pop();
    order.push_back(events[i]);
    for (std::size_t dependent : dependents[i]) {
      if (--pending[dependent] == 0) ready.push(keys[dependent]);
    }
  }
  // A cycle (only in a forged auth graph) leaves events behind; they follow in key order so
  // that every server still reaches the same answer.
  if (order.size() < events.size()) {
    std::vector<SortKey> rest;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (pending[i] != 0) rest.push_back(keys[i]);
    }
    std::sort(rest.begin(), rest.end(), precedes);
    for (const SortKey& key : rest) order.push_back(events[key.local]);
  }
  return order;
}

}  // namespace myelin::state_res
