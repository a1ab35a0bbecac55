#include "storage/store/user_data_store.hpp"

#include "storage/sql/transaction.hpp"
#include "storage/store/unread_counts.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

std::int64_t UserDataStore::put_account_data(const std::string& user_id, const std::string& room_id,
                                             const std::string& type,
                                             const std::string& content_json) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    const std::int64_t position = stream_.next();
    c.execute(
        "INSERT INTO account_data (user_id, room_id, type, content_json, stream_id)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, room_id, type) DO UPDATE SET"
        " content_json = excluded.content_json, stream_id = excluded.stream_id",
        {user_id, room_id, type, content_json, position});
    tx.commit();
    stream_.publish(position);
    return position;
  });
}

std::optional<std::string> UserDataStore::account_data(const std::string& user_id,
                                                       const std::string& room_id,
                                                       const std::string& type) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional(
        "SELECT content_json FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?",
        {user_id, room_id, type});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

std::vector<AccountDataRecord> UserDataStore::account_data_since(const std::string& user_id,
                                                                 std::int64_t after,
                                                                 std::int64_t to) {
  return db_.read([&](Connection& c) {
    std::vector<AccountDataRecord> list;
    for (const Row& row :
         c.query("SELECT room_id, type, content_json, stream_id FROM account_data"
                 " WHERE user_id = ? AND stream_id > ? AND stream_id <= ? ORDER BY stream_id",
                 {user_id, after, to})) {
      list.push_back({row.text(0), row.text(1), row.text(2), row.int64(3)});
    }
    return list;
  });
}

std::int64_t UserDataStore::put_receipt(const ReceiptRecord& r) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    const std::int64_t position = stream_.next();
    c.execute(
        "INSERT INTO receipts (room_id, receipt_type, user_id, thread_id, event_id,"
        " event_stream_ordering, ts, stream_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET"
        " event_id = excluded.event_id, event_stream_ordering = excluded.event_stream_ordering,"
        " ts = excluded.ts, stream_id = excluded.stream_id",
        {r.room_id, r.receipt_type, r.user_id, r.thread_id, r.event_id, r.event_stream_ordering,
         r.ts, position});
    if (r.receipt_type == "m.read" || r.receipt_type == "m.read.private") {
      recount_unread(c, r.room_id, r.user_id);
    }
    tx.commit();
    stream_.publish(position);
    return position;
  });
}

std::optional<std::int64_t> UserDataStore::receipt_position(const std::string& room_id,
                                                            const std::string& receipt_type,
                                                            const std::string& user_id,
                                                            const std::string& thread_id) {
  return db_.read([&](Connection& c) -> std::optional<std::int64_t> {
    auto row = c.query_optional(
        "SELECT event_stream_ordering FROM receipts"
        " WHERE room_id = ? AND receipt_type = ? AND user_id = ? AND thread_id = ?",
        {room_id, receipt_type, user_id, thread_id});
    if (!row) return std::nullopt;
    return row->int64(0);
  });
}

std::vector<ReceiptRecord> UserDataStore::receipts_since(const std::string& room_id,
                                                         std::int64_t after, std::int64_t to) {
  return db_.read([&](Connection& c) {
    std::vector<ReceiptRecord> list;
    for (const Row& row : c.query(
             "SELECT room_id, receipt_type, user_id, thread_id, event_id, event_stream_ordering,"
             " ts, stream_id FROM receipts WHERE room_id = ? AND stream_id > ? AND stream_id <= ?"
             " ORDER BY stream_id",
             {room_id, after, to})) {
      list.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.int64(5),
                      row.int64(6), row.int64(7)});
    }
    return list;
  });
}

std::int64_t UserDataStore::read_position(const std::string& user_id, const std::string& room_id) {
  return db_.read([&](Connection& c) { return read_position_in(c, user_id, room_id); });
}

std::int64_t UserDataStore::put_presence(const PresenceRecord& p) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    const std::int64_t position = stream_.next();
    c.execute(
        "INSERT INTO presence (user_id, state, status_msg, last_active_ts, stream_id)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET state = excluded.state,"
        " status_msg = excluded.status_msg, last_active_ts = excluded.last_active_ts,"
        " stream_id = excluded.stream_id",
        {p.user_id, p.state, p.status_msg, p.last_active_ts, position});
    tx.commit();
    stream_.publish(position);
    return position;
  });
}

std::optional<PresenceRecord> UserDataStore::presence(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<PresenceRecord> {
    auto row = c.query_optional(
        "SELECT user_id, state, status_msg, last_active_ts, stream_id FROM presence"
        " WHERE user_id = ?",
        {user_id});
    if (!row) return std::nullopt;
    return PresenceRecord{row->text(0), row->text(1), row->optional_text(2), row->int64(3),
                          row->int64(4)};
  });
}

std::vector<PresenceRecord> UserDataStore::presence_since(std::int64_t after, std::int64_t to) {
  return db_.read([&](Connection& c) {
    std::vector<PresenceRecord> list;
    for (const Row& row :
         c.query("SELECT user_id, state, status_msg, last_active_ts, stream_id FROM presence"
                 " WHERE stream_id > ? AND stream_id <= ? ORDER BY stream_id",
                 {after, to})) {
      list.push_back({row.text(0), row.text(1), row.optional_text(2), row.int64(3), row.int64(4)});
    }
    return list;
  });
}

std::int64_t UserDataStore::add_filter(const std::string& user_id, const std::string& filter_json) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    const std::int64_t id =
        c.query_one("SELECT coalesce(max(filter_id), -1) + 1 FROM filters WHERE user_id = ?",
                    {user_id})
            .int64(0);
    c.execute("INSERT INTO filters (user_id, filter_id, filter_json) VALUES (?, ?, ?)",
              {user_id, id, filter_json});
    tx.commit();
    return id;
  });
}

std::optional<std::string> UserDataStore::filter(const std::string& user_id,
                                                 std::int64_t filter_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row =
        c.query_optional("SELECT filter_json FROM filters WHERE user_id = ? AND filter_id = ?",
                         {user_id, filter_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

std::optional<std::string> UserDataStore::push_rules(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional("SELECT rules_json FROM push_rules WHERE user_id = ?", {user_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

void UserDataStore::put_push_rules(const std::string& user_id, const std::string& rules_json) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO push_rules (user_id, rules_json) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET rules_json = excluded.rules_json",
        {user_id, rules_json});
  });
}

}  // namespace myelin::storage
