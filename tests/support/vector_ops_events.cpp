// Vector-tool ops for the events module: hashes, event IDs, redaction, signing and PDU parsing.
#include <optional>
#include <string>
#include <string_view>

#include "base/base64.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/access.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "tests/support/vector_ops.hpp"

namespace myelin::testing {
namespace {

using boost::json::object;

struct EventRequest {
  const RoomVersion* version = nullptr;
  object event;
};

// {"room_version":"N","event":{...}}; the room version is optional for version-independent ops.
Expected<EventRequest> event_request(const object& request, bool needs_version) {
  EventRequest out;
  auto event = need_object(request, "event");
  if (!event) return fail(event.error());
  out.event = std::move(*event);
  auto id = json::find_string(request, "room_version");
  if (!id) {
    if (needs_version) return fail("missing string member \"room_version\"");
    return out;
  }
  out.version = find_room_version(*id);
  if (!out.version) return fail("unknown room version \"" + std::string(*id) + "\"");
  return out;
}

// {"op":"content_hash","event":{...}} -> {"hash":"<unpadded b64>"}
Expected<object> op_content_hash(const object& request) {
  auto r = event_request(request, false);
  if (!r) return fail(r.error());
  return object{{"hash", base64::encode(events::compute_content_hash(r->event))}};
}

// {"op":"reference_hash","room_version":"N","event":{...}} -> {"hash":"<unpadded b64>"}
Expected<object> op_reference_hash(const object& request) {
  auto r = event_request(request, true);
  if (!r) return fail(r.error());
  return object{{"hash", base64::encode(events::compute_reference_hash(r->event, *r->version))}};
}

// {"op":"event_id","room_version":"N","event":{...}} -> {"event_id":"$..."}
Expected<object> op_event_id(const object& request) {
  auto r = event_request(request, true);
  if (!r) return fail(r.error());
  auto id = events::compute_event_id(r->event, *r->version);
  if (!id) return fail(id.error());
  return object{{"event_id", *id}};
}

// {"op":"redact","room_version":"N","event":{...}} -> {"redacted":{...}}
Expected<object> op_redact(const object& request) {
  auto r = event_request(request, true);
  if (!r) return fail(r.error());
  return object{{"redacted", events::redact(r->event, *r->version)}};
}

// {"op":"sign_event","room_version":"N","seed":"<b64>","version":"v","server":"name",
//  "event":{...}} -> {"signed":{...}}
Expected<object> op_sign_event(const object& request) {
  auto r = event_request(request, true);
  if (!r) return fail(r.error());
  auto key = signing_key_from_request(request);
  if (!key) return fail(key.error());
  auto server = need_string(request, "server");
  if (!server) return fail(server.error());
  events::sign_event(r->event, *server, *key, *r->version);
  return object{{"signed", std::move(r->event)}};
}

// {"op":"pdu_parse","room_version":"N","event":{...}}
//   -> {"valid":bool,"reason":"...","event_id":"$..."}
Expected<object> op_pdu_parse(const object& request) {
  auto r = event_request(request, true);
  if (!r) return fail(r.error());
  auto pdu = events::Pdu::parse(std::move(r->event), *r->version);
  if (!pdu) return object{{"valid", false}, {"reason", pdu.error()}};
  return object{{"valid", true}, {"reason", ""}, {"event_id", pdu->event_id()}};
}

// {"op":"check_content_hash","event":{...}} -> {"valid":bool,"reason":"..."}
Expected<object> op_check_content_hash(const object& request) {
  auto r = event_request(request, false);
  if (!r) return fail(r.error());
  auto checked = events::check_content_hash(r->event);
  return object{{"valid", checked.has_value()}, {"reason", checked ? "" : checked.error()}};
}

// {"op":"verify_event","room_version":"N","event":{...},
//  "keys":{"server":{"ed25519:v":"<b64 public key>"}}} -> {"valid":bool,"reason":"..."}
Expected<object> op_verify_event(const object& request) {
  auto r = event_request(request, true);
  if (!r) return fail(r.error());
  auto keys = need_object(request, "keys");
  if (!keys) return fail(keys.error());
  auto lookup = [&keys](std::string_view server,
                        std::string_view key_id) -> std::optional<std::string> {
    const object* server_keys = json::find_object(*keys, server);
    if (!server_keys) return std::nullopt;
    auto b64 = json::find_string(*server_keys, key_id);
    if (!b64) return std::nullopt;
    return base64::decode(*b64);
  };
  auto verified = events::verify_event_signatures(r->event, *r->version, lookup);
  return object{{"valid", verified.has_value()}, {"reason", verified ? "" : verified.error()}};
}

}  // namespace

void add_event_ops(VectorOpTable& table) {
  table.emplace("content_hash", op_content_hash);
  table.emplace("reference_hash", op_reference_hash);
  table.emplace("event_id", op_event_id);
  table.emplace("redact", op_redact);
  table.emplace("sign_event", op_sign_event);
  table.emplace("pdu_parse", op_pdu_parse);
  table.emplace("check_content_hash", op_check_content_hash);
  table.emplace("verify_event", op_verify_event);
}

}  // namespace myelin::testing
