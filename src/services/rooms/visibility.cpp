#include "services/rooms/visibility.hpp"

#include <map>

#include "protocol/json/access.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

namespace {

struct VisibilityAt {
  std::string history_visibility = "shared";  // the spec's default when unset
  std::string membership;
};

std::string content_string(storage::Store& store, const std::string& event_id, const char* field) {
  auto record = store.events.event(event_id);
  if (!record) return "";
  auto pdu = json::parse_object(record->pdu_json);
  if (!pdu) return "";
  const auto* content = pdu->if_contains("content");
  if (!content || !content->is_object()) return "";
  const auto* value = content->as_object().if_contains(field);
  return value && value->is_string() ? std::string(value->as_string()) : "";
}

bool may_see(const VisibilityAt& at, const std::string& current_membership) {
  if (at.history_visibility == "world_readable") return true;
  if (at.membership == "join") return true;
  if (at.history_visibility == "shared" && current_membership == "join") return true;
  if (at.history_visibility == "invited" && at.membership == "invite") return true;
  return false;
}

}  // namespace

std::vector<storage::EventRecord> visible_events(storage::Store& store, const std::string& user_id,
                                                 const std::string& current_membership,
                                                 std::vector<storage::EventRecord> events) {
  std::map<std::int64_t, bool> by_group;
  std::vector<storage::EventRecord> visible;
  const std::vector<storage::StateKeyPair> slots = {{"m.room.history_visibility", ""},
                                                    {"m.room.member", user_id}};
  for (storage::EventRecord& event : events) {
    if (event.type == "m.room.member" && event.state_key == user_id) {
      // Users always see their own membership changes (a kick, a ban, their leave).
      visible.push_back(std::move(event));
      continue;
    }
    auto it = by_group.find(event.state_group);
    if (it == by_group.end()) {
      VisibilityAt at;
      storage::StateEntries entries = store.events.state_group_lookup(event.state_group, slots);
      if (auto hv = entries.find(slots[0]); hv != entries.end()) {
        std::string value = content_string(store, hv->second, "history_visibility");
        if (!value.empty()) at.history_visibility = value;
      }
      if (auto member = entries.find(slots[1]); member != entries.end()) {
        at.membership = content_string(store, member->second, "membership");
      }
      it = by_group.emplace(event.state_group, may_see(at, current_membership)).first;
    }
    if (it->second) visible.push_back(std::move(event));
  }
  return visible;
}

}  // namespace myelin::services
