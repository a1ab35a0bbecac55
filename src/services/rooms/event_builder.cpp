#include "services/rooms/event_builder.hpp"

#include "base/base64.hpp"
#include "protocol/auth/auth_events_selection.hpp"
#include "protocol/auth/auth_rules.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/pdu_format.hpp"
#include "protocol/json/canonical.hpp"
#include "services/common/random_token.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

// v1–v2 reference other events as [event_id, {"sha256": reference hash}] pairs.
bj::value event_reference(const RoomVersion& version, const std::string& event_id,
                          const std::string& reference_hash) {
  if (version.event_format != EventFormat::kV1) return bj::value(event_id);
  bj::array pair;
  pair.emplace_back(event_id);
  pair.emplace_back(bj::object{{"sha256", reference_hash}});
  return pair;
}

}  // namespace

Expected<BuiltEvent> build_event(const RoomState& room, const EventDraft& draft,
                                 const std::string& server_name, const crypto::SigningKey& key,
                                 std::int64_t now_ms) {
  const RoomVersion& version = *room.version;
  if (version.strict_canonical_json) {
    if (auto numbers = json::check_canonical_numbers(draft.content); !numbers) {
      return fail("content: " + numbers.error());
    }
  }
  const bool is_create = draft.type == "m.room.create" && draft.state_key == "";

  bj::object event;
  if (version.event_format == EventFormat::kV1) {
    event["event_id"] = "$" + random_token(18) + ":" + server_name;
  }
  if (!(is_create && version.room_id_is_create_event_hash)) event["room_id"] = room.room_id;
  event["sender"] = draft.sender;
  event["type"] = draft.type;
  if (draft.state_key) event["state_key"] = *draft.state_key;
  event["content"] = draft.content;
  event["origin_server_ts"] = now_ms;
  if (version.event_format == EventFormat::kV1) event["origin"] = server_name;
  if (draft.redacts && !version.updated_redaction_rules) event["redacts"] = *draft.redacts;

  bj::array prev_events;
  for (const RoomState::Extremity& e : room.extremities) {
    prev_events.push_back(event_reference(version, e.event_id, e.reference_hash));
  }
  event["prev_events"] = std::move(prev_events);
  event["depth"] = room.max_depth() + 1;

  bj::array auth_events;
  if (!is_create) {
    for (const auth::StateKey& slot : auth::auth_types_for_event(version, draft.type, draft.sender,
                                                                 draft.state_key, draft.content)) {
      if (version.room_id_is_create_event_hash && slot.first == "m.room.create") continue;
      auto it = room.state->find(slot);
      if (it == room.state->end()) continue;
      const events::Pdu& auth_event = *it->second;
      const bool needs_hash = version.event_format == EventFormat::kV1;
      auth_events.push_back(event_reference(
          version, auth_event.event_id(),
          needs_hash ? base64::encode(events::compute_reference_hash(auth_event.json(), version))
                     : std::string()));
    }
  }
  event["auth_events"] = std::move(auth_events);

  events::sign_event(event, server_name, key, version);
  auto event_id = events::compute_event_id(event, version);
  if (!event_id) return fail(event_id.error());
  std::string canonical = json::encode_canonical(event);
  if (canonical.size() > events::kMaxPduBytes) {
    return fail("event is larger than 65,536 bytes");
  }
  events::Pdu pdu = events::Pdu::from_trusted(std::move(event), version, std::move(*event_id));
  return BuiltEvent{std::move(pdu), std::move(canonical)};
}

Expected<Ok> authorize_event(const RoomState& room, const events::Pdu& pdu) {
  return auth::check_auth(pdu, room.auth_state());
}

}  // namespace myelin::services
