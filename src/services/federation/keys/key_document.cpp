#include "services/federation/keys/key_document.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/json/access.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bool is_ed25519_key_id(std::string_view key_id) {
  constexpr std::string_view kPrefix = "ed25519:";
  return key_id.starts_with(kPrefix) && crypto::is_valid_key_version(key_id.substr(kPrefix.size()));
}

// The raw public key of a {"key": base64} entry; nullopt when malformed.
std::optional<std::string> public_key_of(const bj::value& entry) {
  const bj::object* object = entry.if_object();
  if (!object) return std::nullopt;
  auto text = json::find_string(*object, "key");
  if (!text) return std::nullopt;
  auto raw = base64::decode_any(*text);
  if (!raw || raw->size() != crypto::kPublicKeyBytes) return std::nullopt;
  return raw;
}

}  // namespace

Expected<std::vector<storage::ServerKeyRecord>> verify_key_document(const bj::object& document,
                                                                    std::string_view server_name,
                                                                    std::int64_t now_ms) {
  auto name = json::find_string(document, "server_name");
  if (!name || *name != server_name) return fail("server_name is not " + std::string(server_name));
  auto valid_until = json::find_int(document, "valid_until_ts");
  if (!valid_until) return fail("valid_until_ts is missing or not an integer");
  const bj::object* verify_keys = json::find_object(document, "verify_keys");
  if (!verify_keys || verify_keys->empty()) return fail("verify_keys is missing or empty");

  const std::string key_json = bj::serialize(document);
  const std::int64_t capped_until = std::min(*valid_until, now_ms + kMaxKeyValidityMs);
  std::vector<storage::ServerKeyRecord> records;
  for (const auto& [key_id, entry] : *verify_keys) {
    if (!is_ed25519_key_id(key_id))
      return fail("verify key " + std::string(key_id) + " is not ed25519");
    auto raw = public_key_of(entry);
    if (!raw) return fail("verify key " + std::string(key_id) + " is malformed");
    auto checked = crypto::verify_json(document, server_name, key_id, *raw);
    if (!checked) return fail("not signed by " + std::string(key_id) + ": " + checked.error());
    records.push_back({std::string(server_name), std::string(key_id), base64::encode(*raw),
                       capped_until, std::nullopt, now_ms, key_json});
  }
  if (const bj::object* old_keys = json::find_object(document, "old_verify_keys")) {
    for (const auto& [key_id, entry] : *old_keys) {
      // Old keys are not signed over by themselves; a malformed one is skipped, not fatal
      // (Synapse does the same), and a current key of the same ID wins.
      auto raw = public_key_of(entry);
      auto expired =
          entry.is_object() ? json::find_int(entry.as_object(), "expired_ts") : std::nullopt;
      if (!is_ed25519_key_id(key_id) || !raw || !expired || verify_keys->contains(key_id)) {
        continue;
      }
      records.push_back({std::string(server_name), std::string(key_id), base64::encode(*raw),
                         capped_until, *expired, now_ms, key_json});
    }
  }
  return records;
}

bool signed_by_notary(const bj::object& document, const config::TrustedKeyServer& notary) {
  for (const auto& [key_id, public_key] : notary.verify_keys) {
    if (crypto::verify_json(document, notary.server_name, key_id, public_key)) return true;
  }
  return false;
}

bj::object own_key_document(std::string_view server_name, const crypto::SigningKey& key,
                            const std::vector<config::OldSigningKey>& old_keys,
                            std::int64_t valid_until_ts) {
  bj::object verify_keys;
  verify_keys[key.key_id()] = bj::object{{"key", key.public_key_base64()}};
  bj::object old_verify_keys;
  for (const config::OldSigningKey& old : old_keys) {
    if (old.key_id == key.key_id()) continue;  // still current
    old_verify_keys[old.key_id] =
        bj::object{{"key", base64::encode(old.public_key)}, {"expired_ts", old.expired_ts}};
  }
  bj::object document;
  document["server_name"] = server_name;
  document["verify_keys"] = std::move(verify_keys);
  document["old_verify_keys"] = std::move(old_verify_keys);
  document["valid_until_ts"] = valid_until_ts;
  crypto::sign_json(document, server_name, key);
  return document;
}

}  // namespace myelin::services
