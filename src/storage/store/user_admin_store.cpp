#include "storage/store/user_admin_store.hpp"

#include <algorithm>
#include <stdexcept>

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

// Columns of AdminUserView in read_view's order. last_seen_ts: the newest connection.
constexpr const char* kViewSelect =
    "SELECT u.user_id, u.is_guest, u.is_admin, u.user_type, u.deactivated, u.locked,"
    " u.suspended, u.shadow_banned, u.erased, p.displayname, p.avatar_url, u.created_ts,"
    " (SELECT MAX(i.last_seen) FROM user_ips i WHERE i.user_id = u.user_id) AS last_seen_ts"
    " FROM users u LEFT JOIN profiles p ON p.user_id = u.user_id";

AdminUserView read_view(const Row& row) {
  AdminUserView view;
  view.user_id = row.text(0);
  view.is_guest = row.boolean(1);
  view.is_admin = row.boolean(2);
  view.user_type = row.optional_text(3);
  view.deactivated = row.boolean(4);
  view.flags.locked = row.boolean(5);
  view.flags.suspended = row.boolean(6);
  view.flags.shadow_banned = row.boolean(7);
  view.flags.erased = row.boolean(8);
  view.displayname = row.optional_text(9);
  view.avatar_url = row.optional_text(10);
  view.created_ts = row.int64(11);
  view.last_seen_ts = row.optional_int64(12);
  return view;
}

// "%term%" with LIKE's wildcards in `term` matching literally (ESCAPE '\').
std::string contains_pattern(const std::string& term, const std::string& prefix = "%",
                             const std::string& suffix = "%") {
  std::string pattern = prefix;
  for (char ch : term) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  return pattern + suffix;
}

std::string order_column(const std::string& order_by) {
  static const std::vector<std::pair<std::string, std::string>> kColumns = {
      {"name", "u.user_id"},
      {"is_guest", "u.is_guest"},
      {"admin", "u.is_admin"},
      {"user_type", "u.user_type"},
      {"deactivated", "u.deactivated"},
      {"shadow_banned", "u.shadow_banned"},
      {"displayname", "p.displayname"},
      {"avatar_url", "p.avatar_url"},
      {"creation_ts", "u.created_ts"},
      {"last_seen_ts", "last_seen_ts"},
      {"locked", "u.locked"},
  };
  for (const auto& [name, column] : kColumns) {
    if (name == order_by) return column;
  }
  throw std::invalid_argument("unknown user list order: " + order_by);
}

// The WHERE clause of a list query and its parameters.
std::pair<std::string, sql::Params> list_filter(const UserListQuery& q) {
  std::vector<std::string> terms;
  sql::Params params;
  if (q.name) {
    // The localpart is what lies between '@' and the first ':'; display names ignore case.
    terms.push_back("(u.user_id LIKE ? ESCAPE '\\' OR LOWER(p.displayname) LIKE ? ESCAPE '\\')");
    params.emplace_back(contains_pattern(*q.name, "@%", "%:%"));
    std::string lowered = *q.name;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    params.emplace_back(contains_pattern(lowered));
  } else if (q.user_id) {
    terms.push_back("u.user_id LIKE ? ESCAPE '\\'");
    params.emplace_back(contains_pattern(*q.user_id));
  }
  if (!q.include_guests) terms.push_back("u.is_guest = 0");
  if (q.deactivated) terms.push_back(*q.deactivated ? "u.deactivated = 1" : "u.deactivated = 0");
  if (q.admins) terms.push_back(*q.admins ? "u.is_admin = 1" : "u.is_admin = 0");
  if (!q.include_locked) terms.push_back("u.locked = 0");
  if (q.suspended) terms.push_back(*q.suspended ? "u.suspended = 1" : "u.suspended = 0");
  std::string excluded;
  for (const std::string& type : q.not_user_types) {
    if (type.empty()) {
      terms.push_back("u.user_type IS NOT NULL");
      continue;
    }
    excluded += excluded.empty() ? "?" : ", ?";
    params.emplace_back(type);
  }
  if (!excluded.empty()) {
    terms.push_back("(u.user_type IS NULL OR u.user_type NOT IN (" + excluded + "))");
  }
  std::string where;
  for (const std::string& term : terms) where += (where.empty() ? " WHERE " : " AND ") + term;
  return {where, params};
}

}  // namespace

std::optional<UserFlags> UserAdminStore::flags(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<UserFlags> {
    auto row = c.query_optional(
        "SELECT locked, suspended, shadow_banned, erased FROM users WHERE user_id = ?", {user_id});
    if (!row) return std::nullopt;
    return UserFlags{row->boolean(0), row->boolean(1), row->boolean(2), row->boolean(3)};
  });
}

void UserAdminStore::set_flag(const char* column, const std::string& user_id, bool value) {
  const std::string statement =
      std::string("UPDATE users SET ") + column + " = ? WHERE user_id = ?";
  db_.write([&](Connection& c) { c.execute(statement, {value ? 1 : 0, user_id}); });
}

void UserAdminStore::set_locked(const std::string& user_id, bool locked) {
  set_flag("locked", user_id, locked);
}
void UserAdminStore::set_suspended(const std::string& user_id, bool suspended) {
  set_flag("suspended", user_id, suspended);
}
void UserAdminStore::set_shadow_banned(const std::string& user_id, bool shadow_banned) {
  set_flag("shadow_banned", user_id, shadow_banned);
}
void UserAdminStore::set_erased(const std::string& user_id, bool erased) {
  set_flag("erased", user_id, erased);
}

void UserAdminStore::set_user_type(const std::string& user_id,
                                   const std::optional<std::string>& user_type) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE users SET user_type = ? WHERE user_id = ?", {user_type, user_id});
  });
}

void UserAdminStore::reactivate(const std::string& user_id) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE users SET deactivated = 0, erased = 0 WHERE user_id = ?", {user_id});
  });
}

std::optional<AdminUserView> UserAdminStore::user(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<AdminUserView> {
    auto row = c.query_optional(std::string(kViewSelect) + " WHERE u.user_id = ?", {user_id});
    if (!row) return std::nullopt;
    return read_view(*row);
  });
}

UserPage UserAdminStore::list_users(const UserListQuery& query) {
  const std::string column = order_column(query.order_by);
  auto [where, params] = list_filter(query);
  return db_.read([&](Connection& c) {
    UserPage page;
    page.total =
        c.query_one(
             "SELECT COUNT(*) FROM users u LEFT JOIN profiles p ON p.user_id = u.user_id" + where,
             params)
            .int64(0);
    // Ties are broken by ascending user ID in both directions, as Synapse does.
    sql::Params page_params = params;
    page_params.emplace_back(query.limit);
    page_params.emplace_back(query.from);
    const std::string statement = std::string(kViewSelect) + where + " ORDER BY " + column +
                                  (query.descending ? " DESC" : " ASC") +
                                  ", u.user_id ASC LIMIT ? OFFSET ?";
    for (const Row& row : c.query(statement, page_params)) page.users.push_back(read_view(row));
    return page;
  });
}

void UserAdminStore::record_connections(const std::vector<SeenConnection>& seen) {
  if (seen.empty()) return;
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    for (const SeenConnection& s : seen) {
      c.execute(
          "INSERT INTO user_ips (user_id, device_id, ip, user_agent, last_seen)"
          " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id, ip, user_agent)"
          " DO UPDATE SET last_seen = excluded.last_seen WHERE excluded.last_seen > "
          "user_ips.last_seen",
          {s.user_id, s.device_id, s.ip, s.user_agent, s.last_seen});
      c.execute(
          "UPDATE devices SET last_seen_ts = ?, last_seen_ip = ?"
          " WHERE user_id = ? AND device_id = ? AND (last_seen_ts IS NULL OR last_seen_ts <= ?)",
          {s.last_seen, s.ip, s.user_id, s.device_id, s.last_seen});
    }
    tx.commit();
  });
}

std::vector<SeenConnection> UserAdminStore::connections(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<SeenConnection> found;
    for (const Row& row :
         c.query("SELECT device_id, ip, user_agent, last_seen FROM user_ips WHERE user_id = ?"
                 " ORDER BY last_seen DESC, device_id, ip, user_agent",
                 {user_id})) {
      found.push_back({user_id, row.text(0), row.text(1), row.text(2), row.int64(3)});
    }
    return found;
  });
}

void UserAdminStore::add_puppet_token(const std::string& token, const PuppetToken& puppet,
                                      std::int64_t created_ts) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute(
        "INSERT INTO access_tokens (token, user_id, device_id, created_ts) VALUES (?, ?, '', ?)",
        {token, puppet.user_id, created_ts});
    c.execute(
        "INSERT INTO puppet_tokens (token, user_id, puppeteer, valid_until_ms) VALUES (?, ?, ?, ?)",
        {token, puppet.user_id, puppet.puppeteer, puppet.valid_until_ms});
    tx.commit();
  });
}

std::optional<PuppetToken> UserAdminStore::puppet_token(const std::string& token) {
  return db_.read([&](Connection& c) -> std::optional<PuppetToken> {
    auto row = c.query_optional(
        "SELECT user_id, puppeteer, valid_until_ms FROM puppet_tokens WHERE token = ?", {token});
    if (!row) return std::nullopt;
    return PuppetToken{row->text(0), row->text(1), row->optional_int64(2)};
  });
}

void UserAdminStore::delete_puppet_token(const std::string& token) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute("DELETE FROM access_tokens WHERE token = ?", {token});
    c.execute("DELETE FROM puppet_tokens WHERE token = ?", {token});
    tx.commit();
  });
}

std::map<std::string, std::string> UserAdminStore::memberships(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::map<std::string, std::string> found;
    for (const Row& row :
         c.query("SELECT room_id, membership FROM room_memberships WHERE user_id = ?", {user_id})) {
      found.emplace(row.text(0), row.text(1));
    }
    return found;
  });
}

std::vector<std::string> UserAdminStore::joined_rooms(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> found;
    for (const Row& row :
         c.query("SELECT room_id FROM room_memberships WHERE user_id = ? AND membership = 'join'"
                 " ORDER BY room_id",
                 {user_id})) {
      found.push_back(row.text(0));
    }
    return found;
  });
}

std::vector<UserAdminStore::AccountDataEntry> UserAdminStore::account_data(
    const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<AccountDataEntry> found;
    for (const Row& row :
         c.query("SELECT room_id, type, content_json FROM account_data WHERE user_id = ?"
                 " ORDER BY room_id, type",
                 {user_id})) {
      found.push_back({row.text(0), row.text(1), row.text(2)});
    }
    return found;
  });
}

}  // namespace myelin::storage
