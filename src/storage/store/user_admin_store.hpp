#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// The states an admin sets on an account (Synapse Admin API), beside AccountStore's admin flag
// and deactivation.
struct UserFlags {
  bool locked = false;         // every request refused, 401 M_USER_LOCKED (MSC3939)
  bool suspended = false;      // may read but not act in rooms, 403 M_USER_SUSPENDED (MSC3823)
  bool shadow_banned = false;  // actions appear to succeed but reach nobody
  bool erased = false;         // deactivated with erase: profile wiped (GDPR)
};

// One user as the admin user list and query show it.
struct AdminUserView {
  std::string user_id;
  bool is_guest = false;
  bool is_admin = false;
  std::optional<std::string> user_type;
  bool deactivated = false;
  UserFlags flags;
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
  std::int64_t created_ts = 0;  // ms
  std::optional<std::int64_t> last_seen_ts;
};

// GET /_synapse/admin/v2|v3/users: filters as Synapse's get_users_paginate. An unset optional
// filter does not filter.
struct UserListQuery {
  std::int64_t from = 0;
  std::int64_t limit = 100;
  std::optional<std::string> user_id;  // user ID contains; ignored when `name` is set
  std::optional<std::string> name;     // localpart or display name contains
  bool include_guests = true;
  std::optional<bool> deactivated;
  std::optional<bool> admins;
  bool include_locked = false;
  std::optional<bool> suspended;
  std::vector<std::string> not_user_types;  // "" excludes users without a type
  std::string order_by = "name";            // one of kUserListOrders
  bool descending = false;
};

// The order_by values Synapse accepts.
inline const std::vector<std::string> kUserListOrders = {
    "name",        "is_guest",   "admin",       "user_type",    "deactivated", "shadow_banned",
    "displayname", "avatar_url", "creation_ts", "last_seen_ts", "locked"};

struct UserPage {
  std::vector<AdminUserView> users;
  std::int64_t total = 0;
};

// One place a user was seen: Synapse's user_ips row.
struct SeenConnection {
  std::string user_id;
  std::string device_id;  // "" for device-less tokens
  std::string ip;
  std::string user_agent;
  std::int64_t last_seen = 0;
};

struct PuppetToken {
  std::string user_id;
  std::string puppeteer;
  std::optional<std::int64_t> valid_until_ms;
};

// Admin-only views and states of accounts. Every call blocks: run on a worker pool.
class UserAdminStore {
 public:
  explicit UserAdminStore(sql::Database& db) : db_(db) {}

  // nullopt for an unknown user.
  std::optional<UserFlags> flags(const std::string& user_id);
  void set_locked(const std::string& user_id, bool locked);
  void set_suspended(const std::string& user_id, bool suspended);
  void set_shadow_banned(const std::string& user_id, bool shadow_banned);
  void set_erased(const std::string& user_id, bool erased);
  void set_user_type(const std::string& user_id, const std::optional<std::string>& user_type);
  // Clears the deactivated (and erased) marks; the password is set separately.
  void reactivate(const std::string& user_id);

  std::optional<AdminUserView> user(const std::string& user_id);
  UserPage list_users(const UserListQuery& query);

  // Upserts each connection, keeping the latest last_seen, and moves the devices' last_seen.
  void record_connections(const std::vector<SeenConnection>& seen);
  // The user's connections, newest first.
  std::vector<SeenConnection> connections(const std::string& user_id);

  // Stores an access token for `puppet.user_id` without a device.
  void add_puppet_token(const std::string& token, const PuppetToken& puppet,
                        std::int64_t created_ts);
  std::optional<PuppetToken> puppet_token(const std::string& token);
  // Removes the token from access_tokens and puppet_tokens.
  void delete_puppet_token(const std::string& token);

  // room ID → membership, every room the server knows the user's membership of.
  std::map<std::string, std::string> memberships(const std::string& user_id);
  std::vector<std::string> joined_rooms(const std::string& user_id);
  // Account data as (room ID, "" for global; type; content JSON).
  struct AccountDataEntry {
    std::string room_id;
    std::string type;
    std::string content_json;
  };
  std::vector<AccountDataEntry> account_data(const std::string& user_id);

 private:
  void set_flag(const char* column, const std::string& user_id, bool value);

  sql::Database& db_;
};

}  // namespace myelin::storage
