#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store/server_key_store.hpp"

namespace myelin::services {

// Verify keys in memory, by (server, key ID); thread-safe. What KeyRing::cached_key reads.
class KeyCache {
 public:
  struct Entry {
    std::string public_key;  // raw 32 bytes
    std::int64_t valid_until_ts = 0;
    std::optional<std::int64_t> expired_ts;  // old keys: valid only before this
  };

  void put(std::string server_name, std::string key_id, Entry entry);
  // Records from the store or a fetched document (base64 keys); malformed ones are skipped.
  void put(const std::vector<storage::ServerKeyRecord>& records);

  // The raw key when known and valid until `minimum_valid_until_ts` (0: any known key). A current
  // key is valid until its valid_until_ts, an old one until its expired_ts.
  std::optional<std::string> find(std::string_view server_name, std::string_view key_id,
                                  std::int64_t minimum_valid_until_ts) const;
  // Whether the server has any current (not old) key valid until `minimum_valid_until_ts`.
  bool has_current_key(std::string_view server_name, std::int64_t minimum_valid_until_ts) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::pair<std::string, std::string>, Entry, std::less<>> entries_;
};

}  // namespace myelin::services
