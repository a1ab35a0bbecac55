#include "services/common/client_event.hpp"

#include "protocol/events/redaction.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bj::object parse_stored(const std::string& text) {
  if (text.empty()) return {};
  auto parsed = json::parse_object(text);
  // Our own stored JSON always parses; an empty object beats a crash if the file was edited.
  return parsed ? std::move(*parsed) : bj::object{};
}

}  // namespace

bj::object client_event(const storage::EventRecord& record, const RoomVersion& version,
                        const ClientEventOptions& options) {
  bj::object pdu = parse_stored(record.pdu_json);
  if (options.redaction) pdu = events::redact(pdu, version);

  bj::object event;
  event["type"] = record.type;
  event["event_id"] = record.event_id;
  event["sender"] = record.sender;
  event["origin_server_ts"] = record.origin_server_ts;
  if (options.include_room_id) event["room_id"] = record.room_id;
  if (record.state_key) event["state_key"] = *record.state_key;
  if (auto* content = pdu.if_contains("content"); content && content->is_object()) {
    event["content"] = *content;
  } else {
    event["content"] = bj::object{};
  }
  if (auto* redacts = pdu.if_contains("redacts")) event["redacts"] = *redacts;
  if (record.type == "m.room.redaction" && !event.contains("redacts")) {
    // v11+: redacts lives in content; clients of every version read the top-level field too.
    if (auto* in_content = event["content"].as_object().if_contains("redacts")) {
      event["redacts"] = *in_content;
    }
  }

  bj::object unsigned_data = parse_stored(record.unsigned_json);
  unsigned_data["age"] = options.now_ms - record.origin_server_ts;
  if (record.txn_id && record.device_id && record.sender == options.viewer_user_id &&
      *record.device_id == options.viewer_device_id) {
    unsigned_data["transaction_id"] = *record.txn_id;
  }
  if (options.redaction) {
    ClientEventOptions inner;
    inner.now_ms = options.now_ms;
    inner.include_room_id = options.include_room_id;
    unsigned_data["redacted_because"] = client_event(*options.redaction, version, inner);
    unsigned_data.erase("prev_content");
  }
  event["unsigned"] = std::move(unsigned_data);
  return event;
}

bj::object stripped_state_event(const bj::object& pdu) {
  bj::object stripped;
  for (const char* key : {"type", "state_key", "sender", "content"}) {
    if (auto* value = pdu.if_contains(key)) stripped[key] = *value;
  }
  return stripped;
}

}  // namespace myelin::services
