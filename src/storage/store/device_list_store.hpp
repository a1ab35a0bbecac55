#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "storage/sql/database.hpp"
#include "storage/store/stream_counter.hpp"

namespace myelin::storage {

// One change to a user's device list, on the global stream.
struct DeviceListChange {
  std::int64_t stream_id = 0;
  std::optional<std::int64_t> prev_stream_id;  // the user's change before it
};

// Whose devices changed when (spec client-server "Tracking the device list for a user"): local
// users' device additions, renames, key uploads and deletions, and remote users' as their servers
// report them. Syncing clients learn from it which users' keys to fetch again. Every call blocks:
// run on a worker pool.
class DeviceListStore {
 public:
  DeviceListStore(sql::Database& db, StreamCounter& stream) : db_(db), stream_(stream) {}

  // Records a change to the user's device `device_id` at a new stream position.
  DeviceListChange record_change(const std::string& user_id, const std::string& device_id);
  // The users with changes at positions in (after, up_to].
  std::set<std::string> changed_users(std::int64_t after, std::int64_t up_to);
  // The user's latest change (its stream_id is the user's device-list version), if any.
  std::optional<std::int64_t> latest(const std::string& user_id);

  // The highest stream position taken (the stream restarts above it).
  std::int64_t max_stream_id();

 private:
  sql::Database& db_;
  StreamCounter& stream_;
};

}  // namespace myelin::storage
