// End-to-end encryption keys (spec client-server API "Key management API"): each device's signed
// identity keys, its one-time and fallback keys that other devices claim to start Olm sessions,
// and the users' cross-signing keys with the signatures made over keys.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV15 = R"sql(
-- The device's signed identity keys as uploaded (canonical JSON of the `device_keys` object).
CREATE TABLE e2e_device_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);
-- One-time keys: each is handed out once (claimed) and then deleted. key_id without the
-- algorithm ("AAAAHQ", not "signed_curve25519:AAAAHQ"); key_json is the key's value as JSON
-- (a string, or a signed object).
CREATE TABLE e2e_one_time_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id, algorithm, key_id)
);
-- At most one fallback key per device and algorithm: given out when no one-time key is left,
-- as often as asked, until the device replaces it; `used` once it was given out.
CREATE TABLE e2e_fallback_keys (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_json TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, device_id, algorithm)
);
-- Cross-signing keys: key_type is "master", "self_signing" or "user_signing"; key_json the
-- uploaded key object. A new upload replaces the previous key of that type.
CREATE TABLE e2e_cross_signing_keys (
  user_id TEXT NOT NULL,
  key_type TEXT NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (user_id, key_type)
);
-- Signatures uploaded separately from the keys they sign (POST /keys/signatures/upload): by
-- signer_user_id's key signer_key_id ("ed25519:<id>") over target_user_id's key named
-- target_key_id (a device ID, or a cross-signing key's public key).
CREATE TABLE e2e_cross_signing_signatures (
  signer_user_id TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  target_user_id TEXT NOT NULL,
  target_key_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (signer_user_id, signer_key_id, target_user_id, target_key_id)
);
CREATE INDEX e2e_cross_signing_signatures_by_target
  ON e2e_cross_signing_signatures (target_user_id, target_key_id);
)sql";

}  // namespace

sql::Migration migration_v15_e2ee_keys() {
  return {.version = 15, .description = "end-to-end encryption keys", .sql = kV15};
}

}  // namespace myelin::storage
