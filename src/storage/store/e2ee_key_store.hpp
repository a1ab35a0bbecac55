#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// A device's identity keys as stored, with the device's display name (from `devices`).
struct DeviceKeysRecord {
  std::string device_id;
  std::string key_json;  // the uploaded `device_keys` object, canonical JSON
  std::optional<std::string> display_name;
};

// One key of a device's one-time or fallback keys.
struct OneTimeKeyRecord {
  std::string algorithm;  // "signed_curve25519"
  std::string key_id;     // without the algorithm: "AAAAHQ"
  std::string key_json;   // the key's value as canonical JSON (a string or a signed object)
};

// One key asked for in a claim: a key of `algorithm` of the user's device.
struct KeyClaim {
  std::string user_id;
  std::string device_id;
  std::string algorithm;
};

struct ClaimedKey {
  std::string user_id;
  std::string device_id;
  OneTimeKeyRecord key;
  bool fallback = false;  // no one-time key was left: the device's fallback key
};

// Why an upload of one-time keys was refused: a key ID already held with other content.
struct OneTimeKeyConflict {
  std::string algorithm;
  std::string key_id;
};

// A user's cross-signing key ("master", "self_signing", "user_signing").
struct CrossSigningKeyRecord {
  std::string key_type;
  std::string key_json;
};

// A signature uploaded over someone's key (POST /keys/signatures/upload).
struct KeySignatureRecord {
  std::string signer_user_id;
  std::string signer_key_id;  // "ed25519:<device ID or public key>"
  std::string target_user_id;
  std::string target_key_id;  // a device ID, or a cross-signing key's public key
  std::string signature;
};

// End-to-end encryption keys of local devices (spec client-server API "Key management API").
// A device's keys go when the device goes (AccountStore deletes them with it). Every call
// blocks: run on a worker pool.
class E2eeKeyStore {
 public:
  explicit E2eeKeyStore(sql::Database& db) : db_(db) {}

  // Stores the device's identity keys; true when they are new or differ from those held.
  bool set_device_keys(const std::string& user_id, const std::string& device_id,
                       const std::string& key_json);
  std::optional<std::string> device_keys(const std::string& user_id, const std::string& device_id);
  // The user's devices that uploaded keys (and still exist), in device ID order.
  std::vector<DeviceKeysRecord> device_keys_of(const std::string& user_id);

  // Whether an uploaded key's JSON is the key already held under its ID (empty: the same text).
  using SameKey = std::function<bool(const std::string& held, const std::string& uploaded)>;
  // Adds one-time keys, all or none: a key ID already held with the same key is skipped (the
  // held one stays), one held with another key is a conflict and nothing is stored.
  std::optional<OneTimeKeyConflict> add_one_time_keys(const std::string& user_id,
                                                      const std::string& device_id,
                                                      const std::vector<OneTimeKeyRecord>& keys,
                                                      const SameKey& same_key = {});
  // How many unclaimed one-time keys the device holds, per algorithm.
  std::map<std::string, std::int64_t> one_time_key_counts(const std::string& user_id,
                                                          const std::string& device_id);

  // Replaces the device's fallback key of key.algorithm. The same key uploaded again keeps its
  // `used` flag (clients re-upload it); any other key starts unused.
  void set_fallback_key(const std::string& user_id, const std::string& device_id,
                        const OneTimeKeyRecord& key);
  // The algorithms of the device's fallback keys not given out yet.
  std::vector<std::string> unused_fallback_key_types(const std::string& user_id,
                                                     const std::string& device_id);

  // Claims one key per request in one transaction: a one-time key, deleted as it is claimed (two
  // claims never get the same key), else the fallback key, marked used. Requests with no key
  // to give have no entry in the answer.
  std::vector<ClaimedKey> claim(const std::vector<KeyClaim>& claims);

  // Cross-signing keys: stores (replacing the key of that type) and reads.
  void set_cross_signing_key(const std::string& user_id, const CrossSigningKeyRecord& key);
  std::vector<CrossSigningKeyRecord> cross_signing_keys(const std::string& user_id);

  void add_signatures(const std::vector<KeySignatureRecord>& signatures);
  // Signatures over the user's keys (target_user_id = user_id).
  std::vector<KeySignatureRecord> signatures_of(const std::string& user_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
