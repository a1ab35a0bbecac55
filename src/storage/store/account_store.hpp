#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

struct UserRecord {
  std::string user_id;
  std::optional<std::string> password_hash;
  std::int64_t created_ts = 0;
  bool is_admin = false;
  bool is_guest = false;
  bool deactivated = false;
  std::optional<std::string> user_type;
};

struct Profile {
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
};

struct DeviceRecord {
  std::string user_id;
  std::string device_id;
  std::optional<std::string> display_name;
  std::optional<std::int64_t> last_seen_ts;
  std::optional<std::string> last_seen_ip;
};

struct TokenOwner {
  std::string user_id;
  std::string device_id;
};

// Users, their profiles, devices and access tokens. Every call blocks: run on a worker pool.
class AccountStore {
 public:
  explicit AccountStore(sql::Database& db) : db_(db) {}

  // False when the user ID is taken.
  bool create_user(const UserRecord& user);
  std::optional<UserRecord> user(const std::string& user_id);
  bool user_exists(const std::string& user_id);
  void set_password_hash(const std::string& user_id, const std::string& hash);
  void set_admin(const std::string& user_id, bool is_admin);
  // Marks the user deactivated and removes every device, token and third-party ID; the profile
  // is cleared.
  void deactivate(const std::string& user_id);

  Profile profile(const std::string& user_id);
  void set_displayname(const std::string& user_id, const std::optional<std::string>& name);
  void set_avatar_url(const std::string& user_id, const std::optional<std::string>& url);
  // The user directory's candidates: active local users whose ID or display name contains
  // `term` (ASCII case-insensitive; LIKE wildcards in it match literally), ordered by user ID,
  // each with the rooms it is joined to (the caller decides which of them the searcher may see).
  struct DirectoryCandidate {
    std::string user_id;
    Profile profile;
    std::vector<std::string> joined_rooms;
  };
  std::vector<DirectoryCandidate> directory_candidates(const std::string& term);

  // Creates the device if it does not exist yet (a login may name an existing device).
  void upsert_device(const DeviceRecord& device);
  std::optional<DeviceRecord> device(const std::string& user_id, const std::string& device_id);
  std::vector<DeviceRecord> devices(const std::string& user_id);
  bool set_device_display_name(const std::string& user_id, const std::string& device_id,
                               const std::string& name);
  // Removes the device and its tokens.
  void delete_device(const std::string& user_id, const std::string& device_id);
  // Removes every device (and token) of the user except `keep_device` (if set).
  void delete_devices_except(const std::string& user_id,
                             const std::optional<std::string>& keep_device);
  void touch_device(const std::string& user_id, const std::string& device_id, std::int64_t ts,
                    const std::string& ip);

  void add_token(const std::string& token, const TokenOwner& owner, std::int64_t created_ts);
  std::optional<TokenOwner> token_owner(const std::string& token);
  void delete_token(const std::string& token);
  std::vector<std::string> tokens_of_device(const std::string& user_id,
                                            const std::string& device_id);
  std::vector<std::string> tokens_of_user(const std::string& user_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
