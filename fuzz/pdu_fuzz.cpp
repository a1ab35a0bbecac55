// Fuzzes the event layer on arbitrary JSON objects, under every room version: Pdu::parse,
// redaction, content and reference hashes, event IDs and signature checks must not crash, and
// must agree with each other (a parsed PDU's event ID is compute_event_id's; redaction is
// idempotent and keeps the reference hash).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/crypto/signing_key.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace {

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

const myelin::crypto::SigningKey& fixed_key() {
  static const auto kKey =
      myelin::crypto::SigningKey::from_seed(std::string(myelin::crypto::kSeedBytes, '\x01'), "f");
  return *kKey;
}

void check_version(const boost::json::object& event, const myelin::RoomVersion& version) {
  using namespace myelin;
  boost::json::object redacted = events::redact(event, version);
  if (events::redact(redacted, version) != redacted) {
    die("redaction is not idempotent", json::encode_canonical(redacted));
  }
  if (events::compute_reference_hash(redacted, version) !=
      events::compute_reference_hash(event, version)) {
    die("redaction changes the reference hash", json::encode_canonical(event));
  }
  (void)events::compute_content_hash(event);
  (void)events::check_content_hash(event);
  auto event_id = events::compute_event_id(event, version);
  (void)events::required_signatures(event, version);
  (void)events::verify_event_signatures(
      event, version, [](std::string_view, std::string_view) -> std::optional<std::string> {
        return fixed_key().public_key();
      });
  auto pdu = events::Pdu::parse(event, version);
  if (pdu) {
    if (!event_id) die("Pdu::parse accepted an event without an ID", event_id.error());
    if (pdu->event_id() != *event_id) die("Pdu::parse event ID differs", pdu->event_id());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto event = myelin::json::parse_object(text);
  if (!event) return 0;
  for (int v = 1; v <= 12; ++v) {
    const myelin::RoomVersion* version = myelin::find_room_version(std::to_string(v));
    if (version) check_version(*event, *version);
  }
  return 0;
}
