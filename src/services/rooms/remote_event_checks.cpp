// Shared checks and writes for events from other servers (see remote_event_checks.hpp).
#include "services/rooms/remote_event_checks.hpp"

#include <algorithm>
#include <unordered_set>

#include "base/log.hpp"
#include "protocol/auth/auth_rules.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::services {

namespace bj = boost::json;

// The event as stored: its canonical JSON without the unsigned data the sending server added.
storage::EventRecord record_of(const events::Pdu& pdu) {
  storage::EventRecord record;
  record.event_id = pdu.event_id();
  record.room_id = pdu.room_id();
  record.type = pdu.type();
  record.state_key = pdu.state_key();
  record.sender = pdu.sender();
  record.depth = pdu.depth();
  record.origin_server_ts = pdu.origin_server_ts();
  // Encoded without copying the event: a joined room's state is tens of thousands of them.
  json::append_canonical_without(record.pdu_json, pdu.json(), {"unsigned"});
  return record;
}

std::shared_ptr<storage::NewEvent> outlier_write(const events::Pdu& pdu,
                                                 std::optional<std::string> rejection) {
  auto write = std::make_shared<storage::NewEvent>();
  write->event = record_of(pdu);
  write->event.outlier = true;
  write->event.rejection = std::move(rejection);
  return write;
}

// Step 4: the rule "considering the event's auth_events" and the auth rules against them.
// `missing` gets the auth events this server does not know (then nothing is decided).
Expected<Ok> check_against_auth_events(const events::Pdu& pdu, const StoredEvents& events,
                                       std::vector<std::string>& missing) {
  std::vector<const events::Pdu*> list;
  for (const std::string& id : pdu.auth_events()) {
    const events::Pdu* event = events.find(id);
    if (!event) {
      missing.push_back(id);
      continue;
    }
    if (events.is_rejected(id)) return fail("its auth event " + id + " was rejected");
    list.push_back(event);
  }
  auth::AuthState state;
  for (const events::Pdu* event : list) {
    if (event->state_key()) state.insert_or_assign({event->type(), *event->state_key()}, event);
  }
  if (pdu.room_version().room_id_is_create_event_hash && pdu.type() != "m.room.create") {
    // v12: auth_events never list the create event; the room ID names it.
    const std::string create_id = create_event_id_for_room(pdu.room_id());
    if (const events::Pdu* create = events.find(create_id)) {
      state.insert_or_assign({"m.room.create", ""}, create);
    } else {
      missing.push_back(create_id);
    }
  }
  if (!missing.empty()) return fail("unknown auth events");
  if (auto listed = auth::check_auth_events_list(pdu, list); !listed) return listed;
  return auth::check_auth(pdu, state);
}

// Outlier writes for the unknown events among `events` (checked in depth order against their
// auth events, which may be among them): rejected ones are marked so in `known` and stored as
// rejected, so they are never asked for again.
std::vector<std::shared_ptr<storage::NewEvent>> outlier_writes(
    storage::Store& store, StoredEvents& known, std::vector<PduPtr> events,
    std::unordered_set<std::string>& written) {
  std::sort(events.begin(), events.end(),
            [](const PduPtr& a, const PduPtr& b) { return a->depth() < b->depth(); });
  std::vector<std::string> ids;
  for (const PduPtr& event : events) ids.push_back(event->event_id());
  std::vector<std::string> unknown_list = store.events.unknown_events(ids);
  std::unordered_set<std::string> unknown(unknown_list.begin(), unknown_list.end());
  std::vector<std::shared_ptr<storage::NewEvent>> writes;
  for (const PduPtr& event : events) {
    if (!unknown.count(event->event_id()) || !written.insert(event->event_id()).second) continue;
    std::vector<std::string> missing;
    auto allowed = check_against_auth_events(*event, known, missing);
    std::optional<std::string> rejection;
    if (!allowed) {
      rejection = "rejected: " + allowed.error();
      known.mark_rejected(event->event_id());
      log::info("federation", "outlier {} in {} rejected: {}", event->event_id(), event->room_id(),
                allowed.error());
    }
    writes.push_back(outlier_write(*event, std::move(rejection)));
  }
  return writes;
}

std::vector<std::shared_ptr<storage::NewEvent>> state_and_chain_writes(
    storage::Store& store, StoredEvents& known, const std::vector<PduPtr>& state,
    const std::vector<PduPtr>& auth_chain) {
  for (const PduPtr& event : auth_chain) known.add(event);
  for (const PduPtr& event : state) known.add(event);
  std::unordered_set<std::string> written;
  auto writes = outlier_writes(store, known, auth_chain, written);
  auto state_writes = outlier_writes(store, known, state, written);
  writes.insert(writes.end(), state_writes.begin(), state_writes.end());
  return writes;
}

}  // namespace myelin::services
