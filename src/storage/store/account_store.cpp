#include "storage/store/account_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

UserRecord read_user(const Row& row) {
  UserRecord user;
  user.user_id = row.text(0);
  user.password_hash = row.optional_text(1);
  user.created_ts = row.int64(2);
  user.is_admin = row.boolean(3);
  user.is_guest = row.boolean(4);
  user.deactivated = row.boolean(5);
  user.user_type = row.optional_text(6);
  return user;
}

DeviceRecord read_device(const Row& row) {
  return {row.text(0), row.text(1), row.optional_text(2), row.optional_int64(3),
          row.optional_text(4)};
}

constexpr const char* kDeviceColumns =
    "SELECT user_id, device_id, display_name, last_seen_ts, last_seen_ip FROM devices ";

// A device's end-to-end encryption keys (E2eeKeyStore's tables) and its waiting to-device
// messages (DeviceInboxStore's) go with the device: its one-time keys must never be handed out
// once it is gone, and nobody will ever collect its messages.
void delete_device_e2ee_data(Connection& c, const std::string& where, const sql::Params& params) {
  for (const char* table :
       {"e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys", "device_inbox"}) {
    c.execute(std::string("DELETE FROM ") + table + " WHERE " + where, params);
  }
}

}  // namespace

bool AccountStore::create_user(const UserRecord& user) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    if (c.query_optional("SELECT 1 FROM users WHERE user_id = ?", {user.user_id})) return false;
    c.execute(
        "INSERT INTO users (user_id, password_hash, created_ts, is_admin, is_guest, deactivated,"
        " user_type) VALUES (?, ?, ?, ?, ?, 0, ?)",
        {user.user_id, user.password_hash, user.created_ts, user.is_admin ? 1 : 0,
         user.is_guest ? 1 : 0, user.user_type});
    tx.commit();
    return true;
  });
}

std::optional<UserRecord> AccountStore::user(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<UserRecord> {
    auto row = c.query_optional(
        "SELECT user_id, password_hash, created_ts, is_admin, is_guest, deactivated, user_type"
        " FROM users WHERE user_id = ?",
        {user_id});
    if (!row) return std::nullopt;
    return read_user(*row);
  });
}

bool AccountStore::user_exists(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    return c.query_optional("SELECT 1 FROM users WHERE user_id = ?", {user_id}).has_value();
  });
}

void AccountStore::set_password_hash(const std::string& user_id, const std::string& hash) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", {hash, user_id});
  });
}

void AccountStore::set_admin(const std::string& user_id, bool is_admin) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE users SET is_admin = ? WHERE user_id = ?", {is_admin ? 1 : 0, user_id});
  });
}

void AccountStore::deactivate(const std::string& user_id) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute("UPDATE users SET deactivated = 1, password_hash = NULL WHERE user_id = ?",
              {user_id});
    c.execute("DELETE FROM access_tokens WHERE user_id = ?", {user_id});
    c.execute("DELETE FROM devices WHERE user_id = ?", {user_id});
    c.execute("DELETE FROM profiles WHERE user_id = ?", {user_id});
    // The addresses become free for other accounts, as Synapse does.
    c.execute("DELETE FROM user_threepids WHERE user_id = ?", {user_id});
    c.execute("DELETE FROM pushers WHERE user_id = ?", {user_id});
    delete_device_e2ee_data(c, "user_id = ?", {user_id});
    tx.commit();
  });
}

Profile AccountStore::profile(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    Profile profile;
    if (auto row = c.query_optional(
            "SELECT displayname, avatar_url FROM profiles WHERE user_id = ?", {user_id})) {
      profile.displayname = row->optional_text(0);
      profile.avatar_url = row->optional_text(1);
    }
    return profile;
  });
}

void AccountStore::set_displayname(const std::string& user_id,
                                   const std::optional<std::string>& name) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO profiles (user_id, displayname) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET displayname = excluded.displayname",
        {user_id, name});
  });
}

void AccountStore::set_avatar_url(const std::string& user_id,
                                  const std::optional<std::string>& url) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO profiles (user_id, avatar_url) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET avatar_url = excluded.avatar_url",
        {user_id, url});
  });
}

std::vector<AccountStore::DirectoryCandidate> AccountStore::directory_candidates(
    const std::string& term) {
  std::string pattern = "%";
  for (char ch : term) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += '%';
  return db_.read([&](Connection& c) {
    std::vector<DirectoryCandidate> found;
    for (const Row& row :
         c.query("SELECT u.user_id, p.displayname, p.avatar_url, m.room_id FROM users u"
                 " LEFT JOIN profiles p ON p.user_id = u.user_id"
                 " LEFT JOIN room_memberships m ON m.user_id = u.user_id AND m.membership = 'join'"
                 " WHERE u.deactivated = 0 AND (lower(u.user_id) LIKE lower(?) ESCAPE '\\'"
                 "   OR lower(coalesce(p.displayname, '')) LIKE lower(?) ESCAPE '\\')"
                 " ORDER BY u.user_id, m.room_id",
                 {pattern, pattern})) {
      if (found.empty() || found.back().user_id != row.text(0)) {
        found.push_back({row.text(0), Profile{row.optional_text(1), row.optional_text(2)}, {}});
      }
      if (auto room_id = row.optional_text(3)) found.back().joined_rooms.push_back(*room_id);
    }
    return found;
  });
}

void AccountStore::upsert_device(const DeviceRecord& device) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO devices (user_id, device_id, display_name, last_seen_ts, last_seen_ip)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET"
        " display_name = coalesce(excluded.display_name, devices.display_name),"
        " last_seen_ts = excluded.last_seen_ts, last_seen_ip = excluded.last_seen_ip",
        {device.user_id, device.device_id, device.display_name, device.last_seen_ts,
         device.last_seen_ip});
  });
}

std::optional<DeviceRecord> AccountStore::device(const std::string& user_id,
                                                 const std::string& device_id) {
  return db_.read([&](Connection& c) -> std::optional<DeviceRecord> {
    auto row = c.query_optional(std::string(kDeviceColumns) + "WHERE user_id = ? AND device_id = ?",
                                {user_id, device_id});
    if (!row) return std::nullopt;
    return read_device(*row);
  });
}

std::vector<DeviceRecord> AccountStore::devices(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<DeviceRecord> list;
    for (const Row& row :
         c.query(std::string(kDeviceColumns) + "WHERE user_id = ? ORDER BY device_id", {user_id})) {
      list.push_back(read_device(row));
    }
    return list;
  });
}

bool AccountStore::set_device_display_name(const std::string& user_id, const std::string& device_id,
                                           const std::string& name) {
  return db_.write([&](Connection& c) {
    return c.execute("UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?",
                     {name, user_id, device_id}) > 0;
  });
}

void AccountStore::delete_device(const std::string& user_id, const std::string& device_id) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?",
              {user_id, device_id});
    c.execute("DELETE FROM devices WHERE user_id = ? AND device_id = ?", {user_id, device_id});
    c.execute("DELETE FROM pushers WHERE user_id = ? AND device_id = ?", {user_id, device_id});
    delete_device_e2ee_data(c, "user_id = ? AND device_id = ?", {user_id, device_id});
    tx.commit();
  });
}

void AccountStore::delete_devices_except(const std::string& user_id,
                                         const std::optional<std::string>& keep_device) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::string keep = keep_device.value_or("");
    c.execute("DELETE FROM access_tokens WHERE user_id = ? AND device_id != ?", {user_id, keep});
    c.execute("DELETE FROM devices WHERE user_id = ? AND device_id != ?", {user_id, keep});
    c.execute("DELETE FROM pushers WHERE user_id = ? AND device_id != ?", {user_id, keep});
    delete_device_e2ee_data(c, "user_id = ? AND device_id != ?", {user_id, keep});
    tx.commit();
  });
}

void AccountStore::touch_device(const std::string& user_id, const std::string& device_id,
                                std::int64_t ts, const std::string& ip) {
  db_.write([&](Connection& c) {
    c.execute(
        "UPDATE devices SET last_seen_ts = ?, last_seen_ip = ? WHERE user_id = ? AND device_id = ?",
        {ts, ip, user_id, device_id});
  });
}

void AccountStore::add_token(const std::string& token, const TokenOwner& owner,
                             std::int64_t created_ts) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO access_tokens (token, user_id, device_id, created_ts) VALUES (?, ?, ?, ?)",
        {token, owner.user_id, owner.device_id, created_ts});
  });
}

std::optional<TokenOwner> AccountStore::token_owner(const std::string& token) {
  return db_.read([&](Connection& c) -> std::optional<TokenOwner> {
    auto row =
        c.query_optional("SELECT user_id, device_id FROM access_tokens WHERE token = ?", {token});
    if (!row) return std::nullopt;
    return TokenOwner{row->text(0), row->text(1)};
  });
}

void AccountStore::delete_token(const std::string& token) {
  db_.write(
      [&](Connection& c) { c.execute("DELETE FROM access_tokens WHERE token = ?", {token}); });
}

std::vector<std::string> AccountStore::tokens_of_device(const std::string& user_id,
                                                        const std::string& device_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> tokens;
    for (const Row& row :
         c.query("SELECT token FROM access_tokens WHERE user_id = ? AND device_id = ?",
                 {user_id, device_id})) {
      tokens.push_back(row.text(0));
    }
    return tokens;
  });
}

std::vector<std::string> AccountStore::tokens_of_user(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> tokens;
    for (const Row& row : c.query("SELECT token FROM access_tokens WHERE user_id = ?", {user_id})) {
      tokens.push_back(row.text(0));
    }
    return tokens;
  });
}

}  // namespace myelin::storage
