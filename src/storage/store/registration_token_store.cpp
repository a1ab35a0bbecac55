#include "storage/store/registration_token_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

constexpr const char* kColumns =
    "SELECT token, uses_allowed, pending, completed, expiry_time FROM registration_tokens ";

// The validity condition, with one `?` for now (ms). expiry_time is "the latest time the token
// is valid" (Synapse admin API), so a token is still valid at that very millisecond.
constexpr const char* kValid =
    "(uses_allowed IS NULL OR pending + completed < uses_allowed)"
    " AND (expiry_time IS NULL OR expiry_time >= ?)";

RegistrationToken read_token(const Row& row) {
  return {row.text(0), row.optional_int64(1), row.int64(2), row.int64(3), row.optional_int64(4)};
}

// The one conditional UPDATE that spends a use: it changes a row only while a use is left, and
// the database applies it atomically, so concurrent reservations cannot overspend.
bool reserve_use(Connection& c, const std::string& token, std::int64_t now) {
  return c.execute(std::string("UPDATE registration_tokens SET pending = pending + 1"
                               " WHERE token = ? AND ") +
                       kValid,
                   {token, now}) == 1;
}

void release_use(Connection& c, const std::string& token, bool registered) {
  c.execute(
      "UPDATE registration_tokens SET pending = pending - 1, completed = completed + ?"
      " WHERE token = ? AND pending > 0",
      {registered ? 1 : 0, token});
}

struct Reservation {
  std::string token;
  bool claimed = false;
};

std::optional<Reservation> reservation_of(Connection& c, const std::string& session_id) {
  auto row = c.query_optional(
      "SELECT token, claimed FROM registration_token_reservations WHERE session_id = ?",
      {session_id});
  if (!row) return std::nullopt;
  return Reservation{row->text(0), row->boolean(1)};
}

}  // namespace

bool RegistrationTokenStore::create(const RegistrationToken& token) {
  return db_.write([&](Connection& c) {
    return c.execute(
               "INSERT INTO registration_tokens (token, uses_allowed, pending, completed,"
               " expiry_time) VALUES (?, ?, 0, 0, ?) ON CONFLICT (token) DO NOTHING",
               {token.token, token.uses_allowed, token.expiry_time}) == 1;
  });
}

std::optional<RegistrationToken> RegistrationTokenStore::get(const std::string& token) {
  return db_.read([&](Connection& c) -> std::optional<RegistrationToken> {
    auto row = c.query_optional(std::string(kColumns) + "WHERE token = ?", {token});
    if (!row) return std::nullopt;
    return read_token(*row);
  });
}

std::vector<RegistrationToken> RegistrationTokenStore::list(std::optional<bool> valid,
                                                            std::int64_t now) {
  return db_.read([&](Connection& c) {
    std::string sql = kColumns;
    sql::Params params;
    if (valid) {
      sql += *valid ? std::string("WHERE ") + kValid : std::string("WHERE NOT (") + kValid + ")";
      params.emplace_back(now);
    }
    sql += " ORDER BY token";
    std::vector<RegistrationToken> tokens;
    for (const Row& row : c.query(sql, params)) tokens.push_back(read_token(row));
    return tokens;
  });
}

std::optional<RegistrationToken> RegistrationTokenStore::update(
    const std::string& token, const RegistrationTokenChange& change) {
  return db_.write([&](Connection& c) -> std::optional<RegistrationToken> {
    sql::Transaction tx(c);
    if (change.uses_allowed) {
      c.execute("UPDATE registration_tokens SET uses_allowed = ? WHERE token = ?",
                {*change.uses_allowed, token});
    }
    if (change.expiry_time) {
      c.execute("UPDATE registration_tokens SET expiry_time = ? WHERE token = ?",
                {*change.expiry_time, token});
    }
    auto row = c.query_optional(std::string(kColumns) + "WHERE token = ?", {token});
    if (!row) return std::nullopt;
    tx.commit();
    return read_token(*row);
  });
}

bool RegistrationTokenStore::remove(const std::string& token) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute("DELETE FROM registration_token_reservations WHERE token = ?", {token});
    const bool removed = c.execute("DELETE FROM registration_tokens WHERE token = ?", {token}) == 1;
    tx.commit();
    return removed;
  });
}

bool RegistrationTokenStore::is_valid(const std::string& token, std::int64_t now) {
  return db_.read([&](Connection& c) {
    return c
        .query_optional(
            std::string("SELECT 1 FROM registration_tokens WHERE token = ? AND ") + kValid,
            {token, now})
        .has_value();
  });
}

bool RegistrationTokenStore::reserve(const std::string& token, const std::string& session_id,
                                     std::int64_t now) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    if (std::optional<Reservation> held = reservation_of(c, session_id)) {
      if (held->token == token) {
        c.execute(
            "UPDATE registration_token_reservations SET reserved_ts = ?"
            " WHERE session_id = ? AND claimed = 0",
            {now, session_id});
        tx.commit();
        return true;
      }
      if (held->claimed) return false;
      c.execute("DELETE FROM registration_token_reservations WHERE session_id = ?", {session_id});
      release_use(c, held->token, false);
    }
    if (!reserve_use(c, token, now)) {
      tx.commit();  // keeps the release of another token's reservation above
      return false;
    }
    c.execute(
        "INSERT INTO registration_token_reservations (session_id, token, reserved_ts, claimed)"
        " VALUES (?, ?, ?, 0)",
        {session_id, token, now});
    tx.commit();
    return true;
  });
}

bool RegistrationTokenStore::claim(const std::string& token, const std::string& session_id,
                                   std::int64_t now) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    if (std::optional<Reservation> held = reservation_of(c, session_id)) {
      if (held->claimed || held->token != token) return false;
      c.execute(
          "UPDATE registration_token_reservations SET claimed = 1, reserved_ts = ?"
          " WHERE session_id = ?",
          {now, session_id});
      tx.commit();
      return true;
    }
    // The reservation was released (the registration failed once, or it outlived its sweep):
    // the account still needs a use of its own.
    if (!reserve_use(c, token, now)) return false;
    c.execute(
        "INSERT INTO registration_token_reservations (session_id, token, reserved_ts, claimed)"
        " VALUES (?, ?, ?, 1)",
        {session_id, token, now});
    tx.commit();
    return true;
  });
}

bool RegistrationTokenStore::finish(const std::string& session_id, bool registered) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::optional<Reservation> held = reservation_of(c, session_id);
    if (!held) return false;
    c.execute("DELETE FROM registration_token_reservations WHERE session_id = ?", {session_id});
    release_use(c, held->token, registered);
    tx.commit();
    return true;
  });
}

std::int64_t RegistrationTokenStore::release_stale(std::int64_t reserved_before) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute(
        "UPDATE registration_tokens SET pending = pending -"
        " (SELECT COUNT(*) FROM registration_token_reservations r"
        "  WHERE r.token = registration_tokens.token AND r.reserved_ts < ?)"
        " WHERE token IN (SELECT token FROM registration_token_reservations"
        "  WHERE reserved_ts < ?)",
        {reserved_before, reserved_before});
    const std::int64_t released = c.execute(
        "DELETE FROM registration_token_reservations WHERE reserved_ts < ?", {reserved_before});
    tx.commit();
    return released;
  });
}

}  // namespace myelin::storage
