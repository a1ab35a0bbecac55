#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "config/server_key_config.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "storage/store/server_key_store.hpp"

namespace myelin::services {

// Spec definitions/keys.yaml: "Servers MUST use the lesser of [valid_until_ts] and 7 days into
// the future when determining if a key is valid."
inline constexpr std::int64_t kMaxKeyValidityMs = 7LL * 24 * 60 * 60 * 1000;

// Checks a server's key document (GET /_matrix/key/v2/server, or one entry of a notary's
// answer) as fetched at now_ms: server_name is `server_name`, valid_until_ts an integer,
// verify_keys a non-empty object of ed25519 keys, and the document signed by the server with
// every key it lists in verify_keys. Returns one record per verify key and per well-formed
// old_verify_keys entry (expired_ts set), with valid_until_ts capped at now + 7 days and the
// document (as received) as key_json.
Expected<std::vector<storage::ServerKeyRecord>> verify_key_document(
    const boost::json::object& document, std::string_view server_name, std::int64_t now_ms);

// Whether the document carries a valid signature of `notary` by one of its configured keys.
bool signed_by_notary(const boost::json::object& document, const config::TrustedKeyServer& notary);

// This server's key document (spec keys_server.yaml): the current key in verify_keys, old
// signing keys in old_verify_keys, valid_until_ts, signed with the current key.
boost::json::object own_key_document(std::string_view server_name, const crypto::SigningKey& key,
                                     const std::vector<config::OldSigningKey>& old_keys,
                                     std::int64_t valid_until_ts);

}  // namespace myelin::services
