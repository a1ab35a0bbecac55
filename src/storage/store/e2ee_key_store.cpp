#include "storage/store/e2ee_key_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

bool E2eeKeyStore::set_device_keys(const std::string& user_id, const std::string& device_id,
                                   const std::string& key_json) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    auto held =
        c.query_optional("SELECT key_json FROM e2e_device_keys WHERE user_id = ? AND device_id = ?",
                         {user_id, device_id});
    if (held && held->text(0) == key_json) return false;
    c.execute(
        "INSERT INTO e2e_device_keys (user_id, device_id, key_json) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json",
        {user_id, device_id, key_json});
    tx.commit();
    return true;
  });
}

std::optional<std::string> E2eeKeyStore::device_keys(const std::string& user_id,
                                                     const std::string& device_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row =
        c.query_optional("SELECT key_json FROM e2e_device_keys WHERE user_id = ? AND device_id = ?",
                         {user_id, device_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

std::vector<DeviceKeysRecord> E2eeKeyStore::device_keys_of(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<DeviceKeysRecord> devices;
    for (const sql::Row& row :
         c.query("SELECT k.device_id, k.key_json, d.display_name FROM e2e_device_keys k"
                 " JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id"
                 " WHERE k.user_id = ? ORDER BY k.device_id",
                 {user_id})) {
      devices.push_back({row.text(0), row.text(1), row.optional_text(2)});
    }
    return devices;
  });
}

std::optional<OneTimeKeyConflict> E2eeKeyStore::add_one_time_keys(
    const std::string& user_id, const std::string& device_id,
    const std::vector<OneTimeKeyRecord>& keys, const SameKey& same_key) {
  return db_.write([&](Connection& c) -> std::optional<OneTimeKeyConflict> {
    sql::Transaction tx(c);
    for (const OneTimeKeyRecord& key : keys) {
      auto held = c.query_optional(
          "SELECT key_json FROM e2e_one_time_keys"
          " WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = ?",
          {user_id, device_id, key.algorithm, key.key_id});
      if (held) {
        const std::string held_json = held->text(0);
        const bool same = same_key ? same_key(held_json, key.key_json) : held_json == key.key_json;
        if (!same) return OneTimeKeyConflict{key.algorithm, key.key_id};
        continue;
      }
      c.execute(
          "INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json)"
          " VALUES (?, ?, ?, ?, ?)",
          {user_id, device_id, key.algorithm, key.key_id, key.key_json});
    }
    tx.commit();
    return std::nullopt;
  });
}

std::map<std::string, std::int64_t> E2eeKeyStore::one_time_key_counts(
    const std::string& user_id, const std::string& device_id) {
  return db_.read([&](Connection& c) {
    std::map<std::string, std::int64_t> counts;
    for (const sql::Row& row : c.query("SELECT algorithm, COUNT(*) FROM e2e_one_time_keys"
                                       " WHERE user_id = ? AND device_id = ? GROUP BY algorithm",
                                       {user_id, device_id})) {
      counts[row.text(0)] = row.int64(1);
    }
    return counts;
  });
}

void E2eeKeyStore::set_fallback_key(const std::string& user_id, const std::string& device_id,
                                    const OneTimeKeyRecord& key) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO e2e_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used)"
        " VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET"
        " used = CASE WHEN e2e_fallback_keys.key_id = excluded.key_id"
        "   AND e2e_fallback_keys.key_json = excluded.key_json THEN e2e_fallback_keys.used"
        "   ELSE 0 END,"
        " key_id = excluded.key_id, key_json = excluded.key_json",
        {user_id, device_id, key.algorithm, key.key_id, key.key_json});
  });
}

std::vector<std::string> E2eeKeyStore::unused_fallback_key_types(const std::string& user_id,
                                                                 const std::string& device_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> algorithms;
    for (const sql::Row& row :
         c.query("SELECT algorithm FROM e2e_fallback_keys"
                 " WHERE user_id = ? AND device_id = ? AND used = 0 ORDER BY algorithm",
                 {user_id, device_id})) {
      algorithms.push_back(row.text(0));
    }
    return algorithms;
  });
}

std::vector<ClaimedKey> E2eeKeyStore::claim(const std::vector<KeyClaim>& claims) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::vector<ClaimedKey> claimed;
    for (const KeyClaim& claim : claims) {
      const sql::Params device{claim.user_id, claim.device_id, claim.algorithm};
      if (auto row = c.query_optional(
              "SELECT key_id, key_json FROM e2e_one_time_keys"
              " WHERE user_id = ? AND device_id = ? AND algorithm = ? ORDER BY key_id LIMIT 1",
              device)) {
        c.execute(
            "DELETE FROM e2e_one_time_keys"
            " WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = ?",
            {claim.user_id, claim.device_id, claim.algorithm, row->text(0)});
        claimed.push_back(
            {claim.user_id, claim.device_id, {claim.algorithm, row->text(0), row->text(1)}, false});
        continue;
      }
      if (auto row = c.query_optional("SELECT key_id, key_json FROM e2e_fallback_keys"
                                      " WHERE user_id = ? AND device_id = ? AND algorithm = ?",
                                      device)) {
        c.execute(
            "UPDATE e2e_fallback_keys SET used = 1"
            " WHERE user_id = ? AND device_id = ? AND algorithm = ?",
            device);
        claimed.push_back(
            {claim.user_id, claim.device_id, {claim.algorithm, row->text(0), row->text(1)}, true});
      }
    }
    tx.commit();
    return claimed;
  });
}

void E2eeKeyStore::set_cross_signing_key(const std::string& user_id,
                                         const CrossSigningKeyRecord& key) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO e2e_cross_signing_keys (user_id, key_type, key_json) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, key_type) DO UPDATE SET key_json = excluded.key_json",
        {user_id, key.key_type, key.key_json});
  });
}

std::vector<CrossSigningKeyRecord> E2eeKeyStore::cross_signing_keys(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<CrossSigningKeyRecord> keys;
    for (const sql::Row& row :
         c.query("SELECT key_type, key_json FROM e2e_cross_signing_keys WHERE user_id = ?"
                 " ORDER BY key_type",
                 {user_id})) {
      keys.push_back({row.text(0), row.text(1)});
    }
    return keys;
  });
}

void E2eeKeyStore::add_signatures(const std::vector<KeySignatureRecord>& signatures) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    for (const KeySignatureRecord& s : signatures) {
      c.execute(
          "INSERT INTO e2e_cross_signing_signatures (signer_user_id, signer_key_id,"
          " target_user_id, target_key_id, signature) VALUES (?, ?, ?, ?, ?)"
          " ON CONFLICT (signer_user_id, signer_key_id, target_user_id, target_key_id)"
          " DO UPDATE SET signature = excluded.signature",
          {s.signer_user_id, s.signer_key_id, s.target_user_id, s.target_key_id, s.signature});
    }
    tx.commit();
  });
}

std::vector<KeySignatureRecord> E2eeKeyStore::signatures_of(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<KeySignatureRecord> signatures;
    for (const sql::Row& row :
         c.query("SELECT signer_user_id, signer_key_id, target_key_id, signature"
                 " FROM e2e_cross_signing_signatures WHERE target_user_id = ?"
                 " ORDER BY target_key_id, signer_user_id, signer_key_id",
                 {user_id})) {
      signatures.push_back({row.text(0), row.text(1), user_id, row.text(2), row.text(3)});
    }
    return signatures;
  });
}

}  // namespace myelin::storage
