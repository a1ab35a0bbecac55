#include "storage/store/device_inbox_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

std::optional<std::int64_t> DeviceInboxStore::deliver(const DeliveryKey& key,
                                                      const std::vector<InboxMessage>& messages,
                                                      std::int64_t now_ms) {
  std::optional<std::int64_t> position =
      db_.write([&](Connection& c) -> std::optional<std::int64_t> {
        sql::Transaction tx(c);
        if (c.query_optional(
                "SELECT 1 FROM device_message_dedup WHERE origin = ? AND sender_key = ?"
                " AND message_id = ?",
                {key.origin, key.sender_key, key.message_id})) {
          return std::nullopt;
        }
        const std::int64_t stream_id = stream_.next();
        c.execute(
            "INSERT INTO device_message_dedup (origin, sender_key, message_id, stream_id,"
            " received_ts) VALUES (?, ?, ?, ?, ?)",
            {key.origin, key.sender_key, key.message_id, stream_id, now_ms});
        for (const InboxMessage& m : messages) {
          c.execute(
              "INSERT INTO device_inbox (user_id, device_id, stream_id, message_json)"
              " VALUES (?, ?, ?, ?)",
              {m.user_id, m.device_id, stream_id, m.message_json});
        }
        tx.commit();
        return stream_id;
      });
  if (position) stream_.publish(*position);
  return position;
}

DeviceInboxStore::Pending DeviceInboxStore::pending(const std::string& user_id,
                                                    const std::string& device_id,
                                                    std::int64_t after, std::int64_t up_to,
                                                    int limit) {
  return db_.read([&](Connection& c) {
    Pending pending;
    // One more than asked for tells whether there are more.
    for (const sql::Row& row :
         c.query("SELECT stream_id, message_json FROM device_inbox WHERE user_id = ?"
                 " AND device_id = ? AND stream_id > ? AND stream_id <= ? ORDER BY stream_id, id"
                 " LIMIT ?",
                 {user_id, device_id, after, up_to, static_cast<std::int64_t>(limit) + 1})) {
      if (static_cast<int>(pending.messages_json.size()) == limit) {
        pending.more = true;
        break;
      }
      pending.last_stream_id = row.int64(0);
      pending.messages_json.push_back(row.text(1));
    }
    return pending;
  });
}

bool DeviceInboxStore::has_through(const std::string& user_id, const std::string& device_id,
                                   std::int64_t position) {
  return db_.read([&](Connection& c) {
    return c
        .query_optional(
            "SELECT 1 FROM device_inbox WHERE user_id = ? AND device_id = ?"
            " AND stream_id <= ? LIMIT 1",
            {user_id, device_id, position})
        .has_value();
  });
}

void DeviceInboxStore::delete_through(const std::string& user_id, const std::string& device_id,
                                      std::int64_t position) {
  db_.write([&](Connection& c) {
    c.execute("DELETE FROM device_inbox WHERE user_id = ? AND device_id = ? AND stream_id <= ?",
              {user_id, device_id, position});
  });
}

std::int64_t DeviceInboxStore::max_stream_id() {
  return db_.read([](Connection& c) {
    return c.query_one("SELECT coalesce(max(stream_id), 0) FROM device_message_dedup").int64(0);
  });
}

std::int64_t DeviceInboxStore::forget_deliveries_before(std::int64_t cutoff_ms,
                                                        std::int64_t now_ms) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute("UPDATE device_message_dedup SET received_ts = ? WHERE received_ts = 0", {now_ms});
    const std::int64_t forgotten = c.execute(
        "DELETE FROM device_message_dedup WHERE received_ts < ?"
        " AND stream_id < (SELECT max(stream_id) FROM device_message_dedup)",
        {cutoff_ms});
    tx.commit();
    return forgotten;
  });
}

}  // namespace myelin::storage
