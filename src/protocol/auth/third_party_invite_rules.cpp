#include "protocol/auth/third_party_invite_rules.hpp"

#include <string>
#include <vector>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

// The raw public keys an m.room.third_party_invite offers: content.public_key and every
// content.public_keys[].public_key, base64 (standard or URL-safe, padded or not). Keys that do
// not decode are skipped: they cannot verify anything.
std::vector<std::string> invite_public_keys(const boost::json::object& content) {
  std::vector<std::string> keys;
  auto add = [&keys](std::string_view encoded) {
    std::optional<std::string> raw = base64::decode_any(encoded);
    if (raw) keys.push_back(std::move(*raw));
  };
  if (auto key = json::find_string(content, "public_key")) add(*key);
  if (const boost::json::array* list = json::find_array(content, "public_keys")) {
    for (const boost::json::value& entry : *list) {
      if (!entry.is_object()) continue;
      if (auto key = json::find_string(entry.get_object(), "public_key")) add(*key);
    }
  }
  return keys;
}

// Rule "If any signature in signed matches any public key in the m.room.third_party_invite
// event, allow": every ed25519 signature of every signing entity is tried against every key.
bool signed_by_any(const boost::json::object& signed_block, const std::vector<std::string>& keys) {
  const boost::json::object* signatures = json::find_object(signed_block, "signatures");
  if (!signatures) return false;
  for (const auto& [entity, by_key] : *signatures) {
    if (!by_key.is_object()) continue;
    for (const auto& entry : by_key.get_object()) {
      std::string_view key_id = entry.key();
      if (!key_id.starts_with("ed25519:")) continue;
      for (const std::string& key : keys) {
        if (crypto::verify_json(signed_block, entity, key_id, key)) return true;
      }
    }
  }
  return false;
}

}  // namespace

Expected<Ok> check_third_party_invite(const AuthContext& context) {
  const events::Pdu& event = context.event();
  const std::string& target = *event.state_key();
  if (context.membership_of(target) == "ban") return fail("third-party invite: target is banned");
  const boost::json::object* invite = json::find_object(event.content(), "third_party_invite");
  const boost::json::object* signed_block = invite ? json::find_object(*invite, "signed") : nullptr;
  if (!signed_block) return fail("third-party invite: no signed block");
  auto mxid = json::find_string(*signed_block, "mxid");
  auto token = json::find_string(*signed_block, "token");
  if (!mxid || !token) return fail("third-party invite: signed has no mxid or token");
  if (*mxid != target) return fail("third-party invite: mxid is not the state_key");
  const events::Pdu* invite_event =
      find_state(context.state(), "m.room.third_party_invite", *token);
  if (!invite_event) return fail("third-party invite: no m.room.third_party_invite for the token");
  if (invite_event->sender() != event.sender()) {
    return fail("third-party invite: sender did not send the m.room.third_party_invite");
  }
  if (signed_by_any(*signed_block, invite_public_keys(invite_event->content()))) return Ok{};
  return fail("third-party invite: no valid signature from the invite's public keys");
}

}  // namespace myelin::auth
