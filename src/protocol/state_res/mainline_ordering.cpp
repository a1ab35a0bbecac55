#include "protocol/state_res/mainline_ordering.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace myelin::state_res {
namespace {

constexpr std::size_t kNotOnMainline = std::numeric_limits<std::size_t>::max();
constexpr std::string_view kPowerLevels = "m.room.power_levels";

class MainlinePositions {
 public:
  MainlinePositions(EventGraph& graph, std::optional<NodeId> power_levels) : graph_(graph) {
    // [P0, P1, …]: P(i+1) is the power levels event among P(i)'s auth events. The seen-check
    // only matters for a forged cyclic graph.
    std::optional<NodeId> current = power_levels;
    while (current && !index_.contains(*current)) {
      index_.emplace(*current, index_.size());
      current = graph_.auth_event_of_type(*current, kPowerLevels);
    }
  }

  // The position of e: the mainline index of the first of e1, e2, … on the mainline (e0 = e
  // itself is not considered), or kNotOnMainline.
  std::size_t position(NodeId event) {
    std::vector<NodeId> walked;
    std::unordered_set<NodeId> seen{event};
    std::size_t result = kNotOnMainline;
    std::optional<NodeId> current = graph_.auth_event_of_type(event, kPowerLevels);
    while (current && seen.insert(*current).second) {
      if (auto it = index_.find(*current); it != index_.end()) {
        result = it->second;
        break;
      }
      if (auto it = memo_.find(*current); it != memo_.end()) {
        result = it->second;
        break;
      }
      walked.push_back(*current);
      current = graph_.auth_event_of_type(*current, kPowerLevels);
    }
    // Every event walked past shares the answer: its own walk continues the same way.
    for (NodeId id : walked) memo_.emplace(id, result);
    return result;
  }

 private:
  EventGraph& graph_;
  std::unordered_map<NodeId, std::size_t> index_;
  std::unordered_map<NodeId, std::size_t> memo_;
};

struct MainlineKey {
  std::size_t position;
  std::int64_t origin_server_ts;
  std::string_view event_id;
  NodeId node;
};

}  // namespace

std::vector<NodeId> mainline_order(EventGraph& graph, std::span<const NodeId> events,
                                   std::optional<NodeId> power_levels) {
  MainlinePositions positions(graph, power_levels);
  std::vector<MainlineKey> keys;
  keys.reserve(events.size());
  for (NodeId event : events) {
    const events::Pdu& pdu = graph.pdu(event);
    keys.push_back({positions.position(event), pdu.origin_server_ts(), pdu.event_id(), event});
  }
  std::sort(keys.begin(), keys.end(), [](const MainlineKey& x, const MainlineKey& y) {
    // A greater position (further from P0, i.e. older) sorts first.
    if (x.position != y.position) return x.position > y.position;
    if (x.origin_server_ts != y.origin_server_ts) return x.origin_server_ts < y.origin_server_ts;
    return x.event_id < y.event_id;
  });
  std::vector<NodeId> order;
  order.reserve(keys.size());
  for (const MainlineKey& key : keys) order.push_back(key.node);
  return order;
}

}  // namespace myelin::state_res
