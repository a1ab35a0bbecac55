#include "services/federation/keys/key_cache.hpp"

#include <mutex>

#include "base/base64.hpp"

namespace myelin::services {

namespace {

bool valid_until(const KeyCache::Entry& entry, std::int64_t minimum_valid_until_ts) {
  if (minimum_valid_until_ts == 0) return true;
  const std::int64_t until = entry.expired_ts ? *entry.expired_ts : entry.valid_until_ts;
  return until >= minimum_valid_until_ts;
}

}  // namespace

void KeyCache::put(std::string server_name, std::string key_id, Entry entry) {
  std::unique_lock lock(mutex_);
  entries_[{std::move(server_name), std::move(key_id)}] = std::move(entry);
}

void KeyCache::put(const std::vector<storage::ServerKeyRecord>& records) {
  for (const storage::ServerKeyRecord& record : records) {
    auto raw = base64::decode_any(record.verify_key);
    if (!raw) continue;
    put(record.server_name, record.key_id,
        Entry{std::move(*raw), record.valid_until_ts, record.expired_ts});
  }
}

std::optional<std::string> KeyCache::find(std::string_view server_name, std::string_view key_id,
                                          std::int64_t minimum_valid_until_ts) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(std::pair{std::string(server_name), std::string(key_id)});
  if (it == entries_.end() || !valid_until(it->second, minimum_valid_until_ts)) {
    return std::nullopt;
  }
  return it->second.public_key;
}

bool KeyCache::has_current_key(std::string_view server_name,
                               std::int64_t minimum_valid_until_ts) const {
  std::shared_lock lock(mutex_);
  for (auto it = entries_.lower_bound(std::pair{std::string(server_name), std::string()});
       it != entries_.end() && it->first.first == server_name; ++it) {
    if (!it->second.expired_ts && valid_until(it->second, minimum_valid_until_ts)) return true;
  }
  return false;
}

}  // namespace myelin::services
