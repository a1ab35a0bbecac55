#include "protocol/events/event_signing.hpp"

#include <algorithm>

#include "protocol/crypto/json_signing.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/access.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

// The server name of a user or (v1–v2) event ID: everything after the first ':'.
std::optional<std::string_view> server_of(std::string_view id) {
  std::size_t colon = id.find(':');
  if (colon == std::string_view::npos || colon + 1 == id.size()) return std::nullopt;
  return id.substr(colon + 1);
}

bool is_member_event_with(const bj::object& event, std::string_view membership,
                          const bj::object** content_out) {
  if (json::find_string(event, "type") != "m.room.member") return false;
  const bj::object* content = json::find_object(event, "content");
  if (!content || json::find_string(*content, "membership") != membership) return false;
  *content_out = content;
  return true;
}

}  // namespace

void sign_event(bj::object& event, std::string_view server_name, const crypto::SigningKey& key,
                const RoomVersion& version) {
  add_content_hash(event);
  bj::object redacted = redact(event, version);
  crypto::sign_json(redacted, server_name, key);
  event["signatures"] = std::move(redacted["signatures"]);
}

std::vector<std::string> required_signatures(const bj::object& event, const RoomVersion& version) {
  std::vector<std::string> servers;
  auto add = [&servers](std::optional<std::string_view> server) {
    if (server) servers.emplace_back(*server);
  };
  const bj::object* content = nullptr;
  bool invite_via_third_party =
      is_member_event_with(event, "invite", &content) && content->contains("third_party_invite");
  if (!invite_via_third_party) {
    add(server_of(json::find_string(event, "sender").value_or("")));
  }
  if (version.event_format == EventFormat::kV1) {
    add(server_of(json::find_string(event, "event_id").value_or("")));
  }
  if (version.restricted_join_rule && is_member_event_with(event, "join", &content)) {
    if (auto user = json::find_string(*content, "join_authorised_via_users_server")) {
      add(server_of(*user));
    }
  }
  std::sort(servers.begin(), servers.end());
  servers.erase(std::unique(servers.begin(), servers.end()), servers.end());
  return servers;
}

std::vector<std::string> required_signatures(const Pdu& pdu) {
  return required_signatures(pdu.json(), pdu.room_version());
}

Expected<Ok> verify_event_signatures(const bj::object& event, const RoomVersion& version,
                                     const KeyLookup& key_lookup) {
  bj::object redacted = redact(event, version);
  const bj::object* signatures = json::find_object(redacted, "signatures");
  for (const std::string& server : required_signatures(event, version)) {
    const bj::object* by_server = signatures ? json::find_object(*signatures, server) : nullptr;
    if (!by_server) return fail("event is not signed by " + server);
    bool verified = false;
    for (const bj::key_value_pair& entry : *by_server) {
      std::string_view key_id(entry.key().data(), entry.key().size());
      if (!key_id.starts_with("ed25519:")) continue;
      std::optional<std::string> public_key = key_lookup(server, key_id);
      if (!public_key) continue;
      Expected<Ok> checked = crypto::verify_json(redacted, server, key_id, *public_key);
      if (!checked) {
        return fail("signature of " + server + " with " + std::string(key_id) +
                    " is invalid: " + checked.error());
      }
      verified = true;
    }
    if (!verified) return fail("no known key of " + server + " signed the event");
  }
  return Ok{};
}

}  // namespace myelin::events
