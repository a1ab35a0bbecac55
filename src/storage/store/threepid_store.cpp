#include "storage/store/threepid_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

constexpr const char* kSessionColumns =
    "SELECT sid, medium, address, client_secret, send_attempt, token, token_expires,"
    " validated_at, next_link FROM threepid_validation_sessions ";

ThreepidValidationSession read_session(const Row& row) {
  return {row.text(0), row.text(1),  row.text(2),           row.text(3),         row.int64(4),
          row.text(5), row.int64(6), row.optional_int64(7), row.optional_text(8)};
}

}  // namespace

std::vector<Threepid> ThreepidStore::threepids_of(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<Threepid> out;
    for (const Row& row :
         c.query("SELECT medium, address, user_id, validated_at, added_at FROM user_threepids"
                 " WHERE user_id = ? ORDER BY added_at, medium, address",
                 {user_id})) {
      out.push_back({row.text(0), row.text(1), row.text(2), row.int64(3), row.int64(4)});
    }
    return out;
  });
}

std::optional<std::string> ThreepidStore::user_of(const std::string& medium,
                                                  const std::string& address) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional(
        "SELECT user_id FROM user_threepids WHERE medium = ? AND address = ?", {medium, address});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

bool ThreepidStore::add(const Threepid& threepid) {
  return db_.write([&](Connection& c) {
    return c.execute(
               "INSERT INTO user_threepids (medium, address, user_id, validated_at, added_at)"
               " VALUES (?, ?, ?, ?, ?) ON CONFLICT (medium, address) DO NOTHING",
               {threepid.medium, threepid.address, threepid.user_id, threepid.validated_at,
                threepid.added_at}) == 1;
  });
}

bool ThreepidStore::remove(const std::string& user_id, const std::string& medium,
                           const std::string& address) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM user_threepids WHERE user_id = ? AND medium = ? AND address = ?",
                     {user_id, medium, address}) == 1;
  });
}

std::optional<ThreepidValidationSession> ThreepidStore::session(const std::string& sid) {
  return db_.read([&](Connection& c) -> std::optional<ThreepidValidationSession> {
    auto row = c.query_optional(std::string(kSessionColumns) + "WHERE sid = ?", {sid});
    if (!row) return std::nullopt;
    return read_session(*row);
  });
}

std::optional<ThreepidValidationSession> ThreepidStore::session_for(
    const std::string& client_secret, const std::string& medium, const std::string& address) {
  return db_.read([&](Connection& c) -> std::optional<ThreepidValidationSession> {
    auto row = c.query_optional(
        std::string(kSessionColumns) + "WHERE client_secret = ? AND medium = ? AND address = ?",
        {client_secret, medium, address});
    if (!row) return std::nullopt;
    return read_session(*row);
  });
}

void ThreepidStore::save_session(const ThreepidValidationSession& s) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO threepid_validation_sessions (sid, medium, address, client_secret,"
        " send_attempt, token, token_expires, validated_at, next_link)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (sid) DO UPDATE SET send_attempt = excluded.send_attempt,"
        " token = excluded.token, token_expires = excluded.token_expires,"
        " validated_at = excluded.validated_at, next_link = excluded.next_link",
        {s.sid, s.medium, s.address, s.client_secret, s.send_attempt, s.token, s.token_expires,
         s.validated_at, s.next_link});
  });
}

std::optional<ThreepidValidationSession> ThreepidStore::validate(const std::string& sid,
                                                                 const std::string& client_secret,
                                                                 const std::string& token,
                                                                 std::int64_t now) {
  return db_.write([&](Connection& c) -> std::optional<ThreepidValidationSession> {
    sql::Transaction tx(c);
    auto row = c.query_optional(std::string(kSessionColumns) +
                                    "WHERE sid = ? AND client_secret = ? AND token = ?"
                                    " AND token_expires > ?",
                                {sid, client_secret, token, now});
    if (!row) return std::nullopt;
    ThreepidValidationSession session = read_session(*row);
    // Following the link twice keeps the first validation time.
    if (!session.validated_at) {
      c.execute("UPDATE threepid_validation_sessions SET validated_at = ? WHERE sid = ?",
                {now, sid});
      session.validated_at = now;
    }
    tx.commit();
    return session;
  });
}

void ThreepidStore::remove_session(const std::string& sid) {
  db_.write([&](Connection& c) {
    c.execute("DELETE FROM threepid_validation_sessions WHERE sid = ?", {sid});
  });
}

std::int64_t ThreepidStore::remove_sessions_before(std::int64_t before) {
  return db_.write([&](Connection& c) {
    return c.execute(
        "DELETE FROM threepid_validation_sessions WHERE (validated_at IS NULL AND"
        " token_expires < ?) OR validated_at < ?",
        {before, before});
  });
}

}  // namespace myelin::storage
