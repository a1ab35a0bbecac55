#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

struct PusherRecord {
  std::string user_id;
  std::string app_id;
  std::string pushkey;
  std::string kind;  // "http" or "email"
  std::string app_display_name;
  std::string device_display_name;
  std::optional<std::string> profile_tag;
  std::string lang;
  std::string data_json;  // the client's `data` object, kept as given
  std::string device_id;
  std::int64_t created_ts = 0;
};

// The users' pushers, keyed by (app_id, pushkey, user). Every call blocks: run on a worker pool.
class PusherStore {
 public:
  explicit PusherStore(sql::Database& db) : db_(db) {}

  // Creates or replaces the user's pusher with this app_id and pushkey; unless `append`, the
  // same app_id and pushkey registered by other users are removed (spec, POST /pushers/set).
  void set(const PusherRecord& pusher, bool append);
  // False when the user had no such pusher.
  bool remove(const std::string& user_id, const std::string& app_id, const std::string& pushkey);
  std::vector<PusherRecord> of_user(const std::string& user_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
