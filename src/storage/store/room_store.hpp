#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

struct RoomRecord {
  std::string room_id;
  std::string room_version;
  std::string creator;
  bool is_public = false;
  std::int64_t created_ts = 0;
};

struct AliasRecord {
  std::string alias;
  std::string room_id;
  std::string creator;
};

// Rooms, their directory visibility and aliases. Every call blocks: run on a worker pool.
class RoomStore {
 public:
  explicit RoomStore(sql::Database& db) : db_(db) {}

  void create_room(const RoomRecord& room);
  std::optional<RoomRecord> room(const std::string& room_id);
  std::vector<RoomRecord> all_rooms();
  void set_public(const std::string& room_id, bool is_public);
  // Public rooms by room ID, for the directory (the service sorts and filters them).
  std::vector<std::string> public_room_ids();

  // False when the alias exists.
  bool create_alias(const AliasRecord& alias);
  std::optional<AliasRecord> alias(const std::string& alias);
  std::vector<std::string> aliases_of_room(const std::string& room_id);
  bool delete_alias(const std::string& alias);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
