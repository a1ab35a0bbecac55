#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// A remote server's verify key as learnt from one of its signed key documents.
struct ServerKeyRecord {
  std::string server_name;
  std::string key_id;      // "ed25519:<version>"
  std::string verify_key;  // unpadded base64 public key
  std::int64_t valid_until_ts = 0;
  std::optional<std::int64_t> expired_ts;  // set for old_verify_keys
  std::int64_t fetched_ts = 0;
  std::string key_json;  // the signed key document that listed the key, as received
};

// Other servers' verify keys. Every call blocks: run on a worker pool.
class ServerKeyStore {
 public:
  explicit ServerKeyStore(sql::Database& db) : db_(db) {}

  // Stores the keys in one transaction, each replacing what was stored for its (server, key ID).
  void store_keys(const std::vector<ServerKeyRecord>& keys);
  // The stored keys of one server, by key ID.
  std::vector<ServerKeyRecord> keys_of(const std::string& server_name);
  // One stored key.
  std::optional<ServerKeyRecord> key(const std::string& server_name, const std::string& key_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
