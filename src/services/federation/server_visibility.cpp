#include "services/federation/server_visibility.hpp"

#include <map>
#include <optional>

#include "protocol/events/redaction.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

std::string content_string(const bj::object& pdu, std::string_view field) {
  const bj::value* content = pdu.if_contains("content");
  if (!content || !content->is_object()) return "";
  const bj::value* value = content->as_object().if_contains(field);
  return value && value->is_string() ? std::string(value->as_string()) : "";
}

std::optional<bj::object> stored_pdu(const storage::EventRecord& record) {
  auto pdu = json::parse_object(record.pdu_json);
  if (!pdu) return std::nullopt;
  return std::move(*pdu);
}

// Whether the server may see events whose state (after them) is state group `group`.
bool group_visible_to(storage::Store& store, std::int64_t group, std::string_view server_name) {
  const storage::StateEntries entries = store.events.state_group_entries(group);
  std::string history_visibility = "shared";  // the spec's default when unset
  std::vector<std::string> member_ids;
  for (const auto& [slot, event_id] : entries) {
    if (slot.first == "m.room.history_visibility" && slot.second.empty()) {
      if (auto record = store.events.event(event_id)) {
        if (auto pdu = stored_pdu(*record)) {
          std::string value = content_string(*pdu, "history_visibility");
          if (!value.empty()) history_visibility = std::move(value);
        }
      }
    } else if (slot.first == "m.room.member" && server_of_user(slot.second) == server_name) {
      member_ids.push_back(event_id);
    }
  }
  // Synapse: only "invited" and "joined" depend on the server's memberships.
  if (history_visibility != "invited" && history_visibility != "joined") return true;
  for (const storage::EventRecord& member : store.events.events(member_ids)) {
    auto pdu = stored_pdu(member);
    if (!pdu) continue;
    const std::string membership = content_string(*pdu, "membership");
    if (membership == "join") return true;
    if (membership == "invite" && history_visibility == "invited") return true;
  }
  return false;
}

// Whether the sender's account was deactivated with erasure: its events go out redacted to
// everyone (GDPR erasure; Synapse's filter_out_erased_senders).
bool sender_erased(storage::Store& store, std::map<std::string, bool>& cache,
                   const std::string& sender) {
  auto it = cache.find(sender);
  if (it == cache.end()) {
    std::optional<storage::UserFlags> flags = store.user_admin.flags(sender);
    it = cache.emplace(sender, flags && flags->erased).first;
  }
  return it->second;
}

}  // namespace

std::string_view server_of_user(std::string_view user_id) {
  const std::size_t colon = user_id.find(':');
  if (colon == std::string_view::npos) return {};
  return user_id.substr(colon + 1);
}

bool server_in_room(const RoomState& room, std::string_view server_name) {
  for (const auto& [key, event] : *room.state) {
    if (key.first == "m.room.member" && server_of_user(key.second) == server_name &&
        event->membership() == "join") {
      return true;
    }
  }
  return false;
}

std::vector<bj::object> events_for_server(storage::Store& store, const RoomVersion& version,
                                          const std::string& server_name,
                                          const std::vector<storage::EventRecord>& events,
                                          HiddenEvents hidden) {
  std::map<std::int64_t, bool> visible_by_group;
  std::map<std::string, bool> erased_senders;
  std::vector<bj::object> out;
  out.reserve(events.size());
  for (const storage::EventRecord& record : events) {
    auto pdu = stored_pdu(record);
    if (!pdu) continue;  // not a PDU we wrote; nothing servable
    auto it = visible_by_group.find(record.state_group);
    if (it == visible_by_group.end()) {
      const bool visible = group_visible_to(store, record.state_group, server_name);
      it = visible_by_group.emplace(record.state_group, visible).first;
    }
    if (it->second && !sender_erased(store, erased_senders, record.sender)) {
      out.push_back(std::move(*pdu));
    } else if (hidden == HiddenEvents::kRedact) {
      out.push_back(events::redact(*pdu, version));
    }
  }
  return out;
}

}  // namespace myelin::services
