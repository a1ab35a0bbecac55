#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace myelin::config {

// A notary we ask for other servers' keys (Synapse's trusted_key_servers entry).
struct TrustedKeyServer {
  std::string server_name;
  // Key ID -> raw 32-byte ed25519 public key. Answers must carry the notary's signature by one of
  // these; when none are configured (Synapse allows it, with a warning) only the origin's own
  // signature is checked.
  std::map<std::string, std::string> verify_keys;
  bool accept_keys_insecurely = false;  // Synapse's flag to silence that warning
};

// A key this server signed with before (Synapse's old_signing_keys), still published in
// old_verify_keys so that others can check what it signed.
struct OldSigningKey {
  std::string key_id;      // "ed25519:<version>"
  std::string public_key;  // raw 32 bytes
  std::int64_t expired_ts = 0;
};

// trusted_key_servers, old_signing_keys, key_refresh_interval: server keys (spec server-server
// API "Retrieving server keys").
struct ServerKeyConfig {
  std::vector<TrustedKeyServer> trusted_key_servers;
  std::vector<OldSigningKey> old_signing_keys;
  // How long others may cache our key document: its valid_until_ts is now + this (Synapse's
  // default 1d).
  std::int64_t key_refresh_interval_ms = 24 * 60 * 60 * 1000;
};

}  // namespace myelin::config
