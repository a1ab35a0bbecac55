#include "services/rooms/stored_events.hpp"

#include "protocol/events/redaction.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

void StoredEvents::add(std::shared_ptr<const events::Pdu> pdu, bool rejected) {
  std::string id = pdu->event_id();
  Entry& entry = entries_[std::move(id)];
  entry.pdu = std::move(pdu);
  entry.rejected = rejected;
}

void StoredEvents::mark_rejected(std::string_view event_id) {
  auto it = entries_.find(std::string(event_id));
  if (it != entries_.end()) it->second.rejected = true;
}

const StoredEvents::Entry& StoredEvents::load(std::string_view event_id) const {
  std::string id(event_id);
  if (auto it = entries_.find(id); it != entries_.end()) return it->second;
  Entry entry;
  if (auto record = store_.events.event(id)) {
    if (auto json = json::parse_object(record->pdu_json)) {
      // The auth rules see a redacted event redacted, as the room's state holds it.
      if (record->redacted_by) *json = events::redact(*json, version_);
      entry.pdu = std::make_shared<const events::Pdu>(
          events::Pdu::from_trusted(std::move(*json), version_, record->event_id));
      entry.rejected = record->rejection && record->rejection->starts_with("rejected");
      entry.record = std::move(*record);
    }
  }
  return entries_.emplace(std::move(id), std::move(entry)).first->second;
}

const events::Pdu* StoredEvents::find(std::string_view event_id) const {
  return load(event_id).pdu.get();
}

bool StoredEvents::is_rejected(std::string_view event_id) const { return load(event_id).rejected; }

std::shared_ptr<const events::Pdu> StoredEvents::shared(std::string_view event_id) const {
  return load(event_id).pdu;
}

const storage::EventRecord* StoredEvents::record(std::string_view event_id) const {
  const Entry& entry = load(event_id);
  return entry.record ? &*entry.record : nullptr;
}

std::string create_event_id_for_room(const std::string& room_id) {
  return room_id.size() < 2 ? std::string() : "$" + room_id.substr(1);
}

}  // namespace myelin::services
