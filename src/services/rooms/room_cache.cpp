#include "services/rooms/room_cache.hpp"

#include <limits>

#include "base/base64.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

RoomStatePtr RoomCache::find(const std::string& room_id) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room_id);
  return it == rooms_.end() ? nullptr : it->second;
}

void RoomCache::put(RoomStatePtr room) {
  std::lock_guard lock(mutex_);
  rooms_[room->room_id] = std::move(room);
}

void RoomCache::erase(const std::string& room_id) {
  std::lock_guard lock(mutex_);
  rooms_.erase(room_id);
}

namespace {

std::shared_ptr<const events::Pdu> to_pdu(const storage::EventRecord& record,
                                          const RoomVersion& version) {
  auto json = json::parse_object(record.pdu_json);
  if (!json) return nullptr;
  // The auth rules see a redacted state event redacted, as RoomService leaves it in memory.
  if (record.redacted_by) *json = events::redact(*json, version);
  return std::make_shared<const events::Pdu>(
      events::Pdu::from_trusted(std::move(*json), version, record.event_id));
}

}  // namespace

RoomStatePtr RoomCache::load(storage::Store& store, const std::string& room_id,
                             const std::string& server_name) {
  auto record = store.rooms.room(room_id);
  if (!record) return nullptr;
  const RoomVersion* version = find_room_version(record->room_version);
  if (!version) return nullptr;

  auto room = std::make_shared<RoomState>();
  room->room_id = room_id;
  room->version = version;
  auto state = std::make_shared<StateMap>();
  std::vector<std::string> ids;
  const storage::StateEntries current = store.events.current_state(room_id);
  for (const auto& [key, event_id] : current) ids.push_back(event_id);
  for (const storage::EventRecord& e : store.events.events(ids)) {
    if (auto pdu = to_pdu(e, *version); pdu && e.state_key) {
      (*state)[{e.type, *e.state_key}] = std::move(pdu);
    }
  }
  room->set_state(std::move(state));
  for (const storage::EventRecord& e :
       store.events.events(store.events.forward_extremities(room_id))) {
    std::string hash;
    if (version->event_format == EventFormat::kV1) {
      if (auto json = json::parse_object(e.pdu_json)) {
        hash = base64::encode(events::compute_reference_hash(*json, *version));
      }
    }
    room->extremities.push_back({e.event_id, hash, e.depth});
  }
  // The latest event's state group holds the current state, unless that event forked the room
  // and the current state is the resolution of both sides (remote_events.cpp), which no group
  // holds: then, as right after the resolution, the next local event writes a group.
  if (auto last = store.events.last_event_at(room_id, std::numeric_limits<std::int64_t>::max());
      last && last->state_group != 0 &&
      store.events.state_group_entries(last->state_group) == current) {
    room->state_group = last->state_group;
  }
  // Unknown chain length: the next state event writes a full snapshot.
  room->chain_length = std::numeric_limits<int>::max() / 2;
  room->index_members(server_name);
  return room;
}

}  // namespace myelin::services
