#pragma once

// Test support (header only): builds rooms of real PDUs for the state resolution tests.

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/auth/auth_events_selection.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/event_source.hpp"
#include "protocol/state_res/state_map.hpp"

namespace myelin::state_res::testing {

// One event to add. Fields left empty get defaults (see TestRoom::add).
struct EventSpec {
  std::string name;  // event ID is "$" + name (+ ":example.com" in the v1/v2 event format)
  std::string type;
  std::string sender;
  std::optional<std::string> state_key;
  boost::json::object content;
  std::vector<std::string> prev;                 // prev_events; defaults to the last event added
  std::optional<std::int64_t> ts;                // origin_server_ts; defaults to a rising counter
  std::optional<std::vector<std::string>> auth;  // auth_events; defaults to a selection
};

// An in-memory room: an EventSource whose events are built by the tests. Auth events are
// chosen from a given "state before" with auth::auth_types_for_event, as a server would.
class TestRoom : public EventSource {
 public:
  explicit TestRoom(std::string_view version_id) : version_(*find_room_version(version_id)) {}

  const RoomVersion& version() const { return version_; }

  // Adds the event with auth events selected from `before`; returns its ID.
  std::string add(const StateMap& before, EventSpec spec) {
    std::string id = event_id_for(spec.name);
    boost::json::object json;
    json["type"] = spec.type;
    json["sender"] = spec.sender;
    if (spec.state_key) json["state_key"] = *spec.state_key;
    json["content"] = spec.content;
    bool is_create = spec.type == "m.room.create";
    if (!(is_create && version_.room_id_is_create_event_hash)) json["room_id"] = room_id_;
    std::vector<std::string> prev = spec.prev;
    if (prev.empty() && !is_create && !last_.empty()) prev.push_back(last_);
    std::vector<std::string> auth = spec.auth ? *spec.auth : select_auth(before, spec);
    json["prev_events"] = id_list(prev);
    json["auth_events"] = id_list(auth);
    std::int64_t depth = 0;
    for (const std::string& p : prev) depth = std::max(depth, event(p).depth());
    json["depth"] = depth + 1;
    json["origin_server_ts"] = spec.ts ? *spec.ts : ++clock_;
    if (version_.event_format == EventFormat::kV1) json["event_id"] = id;
    auto pdu = std::make_unique<events::Pdu>(events::Pdu::from_trusted(json, version_, id));
    if (is_create && version_.room_id_is_create_event_hash) room_id_ = pdu->room_id();
    events_[id] = std::move(pdu);
    last_ = id;
    return id;
  }

  // Adds a state event and returns the state after it (S′(E) of the spec).
  StateMap add_state(const StateMap& before, EventSpec spec) {
    std::string id = add(before, std::move(spec));
    StateMap after = before;
    const events::Pdu& pdu = event(id);
    after[auth::StateKey(pdu.type(), *pdu.state_key())] = id;
    return after;
  }

  std::string event_id_for(std::string_view name) const {
    std::string id = "$" + std::string(name);
    if (version_.event_format == EventFormat::kV1) id += ":example.com";
    return id;
  }

  const events::Pdu& event(std::string_view id) const {
    const events::Pdu* pdu = find(id);
    if (!pdu) throw std::runtime_error("unknown test event " + std::string(id));
    return *pdu;
  }

  const events::Pdu* find(std::string_view event_id) const override {
    auto it = events_.find(event_id);
    return it == events_.end() ? nullptr : it->second.get();
  }
  bool is_rejected(std::string_view event_id) const override {
    return rejected_.contains(std::string(event_id));
  }
  void reject(const std::string& event_id) { rejected_.insert(event_id); }

 private:
  boost::json::array id_list(const std::vector<std::string>& ids) const {
    boost::json::array list;
    for (const std::string& id : ids) {
      if (version_.event_format == EventFormat::kV1) {
        list.push_back(boost::json::array{boost::json::string(id), boost::json::object{}});
      } else {
        list.push_back(boost::json::string(id));
      }
    }
    return list;
  }

  std::vector<std::string> select_auth(const StateMap& before, const EventSpec& spec) const {
    std::vector<std::string> auth;
    if (spec.type == "m.room.create") return auth;
    for (const auth::StateKey& key : auth::auth_types_for_event(version_, spec.type, spec.sender,
                                                                spec.state_key, spec.content)) {
      if (auto it = before.find(key); it != before.end()) auth.push_back(it->second);
    }
    return auth;
  }

  const RoomVersion& version_;
  std::string room_id_ = "!room:example.com";
  std::string last_;
  std::int64_t clock_ = 1000;
  std::map<std::string, std::unique_ptr<events::Pdu>, std::less<>> events_;
  std::set<std::string, std::less<>> rejected_;
};

}  // namespace myelin::state_res::testing
