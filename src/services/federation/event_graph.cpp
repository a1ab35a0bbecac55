#include "services/federation/event_graph.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <queue>
#include <set>
#include <tuple>

#include "protocol/json/parse.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

std::vector<std::string> references_of(const storage::EventRecord& record, std::string_view key) {
  auto pdu = json::parse_object(record.pdu_json);
  if (!pdu) return {};
  return event_references(*pdu, key);
}

// The stored events of the room among `ids`, keyed by event ID.
std::map<std::string, storage::EventRecord> load_in_room(storage::Store& store,
                                                         const std::string& room_id,
                                                         const std::vector<std::string>& ids) {
  std::map<std::string, storage::EventRecord> found;
  if (ids.empty()) return found;
  for (storage::EventRecord& record : store.events.events(ids)) {
    if (record.room_id != room_id) continue;
    std::string id = record.event_id;
    found.emplace(std::move(id), std::move(record));
  }
  return found;
}

bool oldest_first(const storage::EventRecord& a, const storage::EventRecord& b) {
  return std::tie(a.depth, a.stream_ordering) < std::tie(b.depth, b.stream_ordering);
}

}  // namespace

std::vector<std::string> event_references(const bj::object& pdu, std::string_view key) {
  std::vector<std::string> ids;
  const bj::value* list = pdu.if_contains(key);
  if (!list || !list->is_array()) return ids;
  for (const bj::value& item : list->as_array()) {
    if (item.is_string()) {
      ids.emplace_back(item.as_string());
    } else if (item.is_array() && !item.as_array().empty() && item.as_array()[0].is_string()) {
      ids.emplace_back(item.as_array()[0].as_string());  // v1–v2: [event_id, {hashes}]
    }
  }
  return ids;
}

std::vector<storage::EventRecord> auth_chain(storage::Store& store, const std::string& room_id,
                                             const std::vector<std::string>& event_ids) {
  std::vector<std::string> auth_event_ids;
  for (const auto& [id, record] : load_in_room(store, room_id, event_ids)) {
    for (std::string& ref : references_of(record, "auth_events")) {
      auth_event_ids.push_back(std::move(ref));
    }
  }
  return auth_chain_from_auth_events(store, room_id, std::move(auth_event_ids));
}

std::vector<storage::EventRecord> auth_chain_from_auth_events(
    storage::Store& store, const std::string& room_id, std::vector<std::string> auth_event_ids) {
  std::set<std::string> seen;
  std::vector<storage::EventRecord> chain;
  // Layer by layer, one batched read per layer.
  std::vector<std::string> next;
  for (std::string& ref : auth_event_ids) {
    if (seen.insert(ref).second) next.push_back(std::move(ref));
  }
  while (!next.empty()) {
    std::vector<std::string> layer = std::move(next);
    next.clear();
    for (auto& [id, record] : load_in_room(store, room_id, layer)) {
      for (std::string& ref : references_of(record, "auth_events")) {
        if (seen.insert(ref).second) next.push_back(std::move(ref));
      }
      chain.push_back(std::move(record));
    }
  }
  std::sort(chain.begin(), chain.end(), oldest_first);
  return chain;
}

std::vector<storage::EventRecord> backfill_walk(storage::Store& store, const std::string& room_id,
                                                const std::vector<std::string>& from,
                                                std::size_t limit) {
  auto newer_last = [](const storage::EventRecord& a, const storage::EventRecord& b) {
    return oldest_first(a, b);
  };
  // A max-heap on (depth, stream position): the newest candidate comes out first.
  std::priority_queue<storage::EventRecord, std::vector<storage::EventRecord>, decltype(newer_last)>
      frontier(newer_last);
  std::set<std::string> seen(from.begin(), from.end());
  for (auto& [id, record] : load_in_room(store, room_id, from)) frontier.push(std::move(record));

  std::vector<storage::EventRecord> out;
  while (!frontier.empty() && out.size() < limit) {
    storage::EventRecord record = frontier.top();
    frontier.pop();
    std::vector<std::string> parents;
    for (std::string& ref : references_of(record, "prev_events")) {
      if (seen.insert(ref).second) parents.push_back(std::move(ref));
    }
    for (auto& [id, parent] : load_in_room(store, room_id, parents)) {
      frontier.push(std::move(parent));
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<storage::EventRecord> missing_events_walk(storage::Store& store,
                                                      const std::string& room_id,
                                                      const std::vector<std::string>& earliest,
                                                      const std::vector<std::string>& latest,
                                                      std::size_t limit, std::int64_t min_depth) {
  std::set<std::string> seen(earliest.begin(), earliest.end());
  std::deque<storage::EventRecord> queue;
  std::vector<std::string> starts;
  for (const std::string& id : latest) {
    if (seen.insert(id).second) starts.push_back(id);
  }
  for (auto& [id, record] : load_in_room(store, room_id, starts))
    queue.push_back(std::move(record));

  std::vector<storage::EventRecord> out;
  while (!queue.empty() && out.size() < limit) {
    storage::EventRecord record = std::move(queue.front());
    queue.pop_front();
    std::vector<std::string> parents;
    for (std::string& ref : references_of(record, "prev_events")) {
      if (seen.insert(ref).second) parents.push_back(std::move(ref));
    }
    // Parents in their prev_events order, so the walk is deterministic.
    std::map<std::string, storage::EventRecord> loaded = load_in_room(store, room_id, parents);
    for (const std::string& ref : parents) {
      auto it = loaded.find(ref);
      if (it == loaded.end() || it->second.depth < min_depth) continue;
      if (out.size() < limit) out.push_back(it->second);
      queue.push_back(std::move(it->second));
    }
  }
  std::sort(out.begin(), out.end(), oldest_first);
  return out;
}

std::optional<storage::StateEntries> state_before_event(storage::Store& store,
                                                        const storage::EventRecord& event) {
  if (event.state_group == 0) return std::nullopt;
  storage::StateEntries state = store.events.state_group_entries(event.state_group);
  if (!event.state_key) return state;  // a message leaves the state as it found it
  // A state event's group is the state after it: put back what it replaced.
  const storage::StateKeyPair slot{event.type, *event.state_key};
  auto it = state.find(slot);
  if (it == state.end() || it->second != event.event_id) return state;
  std::optional<std::string> replaced;
  if (auto unsigned_data = json::parse_object(event.unsigned_json)) {
    if (const bj::value* id = unsigned_data->if_contains("replaces_state"); id && id->is_string()) {
      replaced = std::string(id->as_string());
    }
  }
  if (!replaced) {
    // Without replaces_state (events persisted by other paths), a single parent's state is the
    // state before; several parents would need state resolution, which persisting did.
    const std::vector<std::string> parents = references_of(event, "prev_events");
    if (parents.size() == 1) {
      if (auto parent = store.events.event(parents[0]); parent && parent->state_group != 0) {
        storage::StateEntries before = store.events.state_group_entries(parent->state_group);
        if (auto p = before.find(slot); p != before.end()) replaced = p->second;
      }
    }
  }
  if (replaced) {
    it->second = *replaced;
  } else {
    state.erase(it);
  }
  return state;
}

}  // namespace myelin::services
