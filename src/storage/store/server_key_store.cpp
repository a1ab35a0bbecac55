#include "storage/store/server_key_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

namespace {

constexpr const char* kColumns =
    "server_name, key_id, verify_key, valid_until_ts, expired_ts, fetched_ts, key_json";

ServerKeyRecord record_of(const sql::Row& row) {
  return {row.text(0),           row.text(1),  row.text(2), row.int64(3),
          row.optional_int64(4), row.int64(5), row.text(6)};
}

}  // namespace

void ServerKeyStore::store_keys(const std::vector<ServerKeyRecord>& keys) {
  if (keys.empty()) return;
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    for (const ServerKeyRecord& key : keys) {
      c.execute("DELETE FROM server_keys WHERE server_name = ? AND key_id = ?",
                {key.server_name, key.key_id});
      c.execute(
          std::string("INSERT INTO server_keys (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
          {key.server_name, key.key_id, key.verify_key, key.valid_until_ts, key.expired_ts,
           key.fetched_ts, key.key_json});
    }
    tx.commit();
  });
}

std::vector<ServerKeyRecord> ServerKeyStore::keys_of(const std::string& server_name) {
  return db_.read([&](Connection& c) {
    std::vector<ServerKeyRecord> keys;
    for (const sql::Row& row :
         c.query(std::string("SELECT ") + kColumns +
                     " FROM server_keys WHERE server_name = ? ORDER BY key_id",
                 {server_name})) {
      keys.push_back(record_of(row));
    }
    return keys;
  });
}

std::optional<ServerKeyRecord> ServerKeyStore::key(const std::string& server_name,
                                                   const std::string& key_id) {
  return db_.read([&](Connection& c) -> std::optional<ServerKeyRecord> {
    auto row = c.query_optional(std::string("SELECT ") + kColumns +
                                    " FROM server_keys WHERE server_name = ? AND key_id = ?",
                                {server_name, key_id});
    if (!row) return std::nullopt;
    return record_of(*row);
  });
}

}  // namespace myelin::storage
