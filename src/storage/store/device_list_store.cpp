#include "storage/store/device_list_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

DeviceListChange DeviceListStore::record_change(const std::string& user_id,
                                                const std::string& device_id) {
  DeviceListChange change = db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    DeviceListChange recorded;
    if (auto row = c.query_optional(
            "SELECT max(stream_id) FROM device_list_changes WHERE user_id = ?", {user_id});
        row && !row->is_null(0)) {
      recorded.prev_stream_id = row->int64(0);
    }
    recorded.stream_id = stream_.next();
    c.execute(
        "INSERT INTO device_list_changes (stream_id, user_id, device_id, prev_stream_id)"
        " VALUES (?, ?, ?, ?)",
        {recorded.stream_id, user_id, device_id, recorded.prev_stream_id});
    tx.commit();
    return recorded;
  });
  stream_.publish(change.stream_id);
  return change;
}

std::set<std::string> DeviceListStore::changed_users(std::int64_t after, std::int64_t up_to) {
  return db_.read([&](Connection& c) {
    std::set<std::string> users;
    for (const sql::Row& row :
         c.query("SELECT DISTINCT user_id FROM device_list_changes WHERE stream_id > ?"
                 " AND stream_id <= ?",
                 {after, up_to})) {
      users.insert(row.text(0));
    }
    return users;
  });
}

std::optional<std::int64_t> DeviceListStore::latest(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<std::int64_t> {
    auto row =
        c.query_one("SELECT max(stream_id) FROM device_list_changes WHERE user_id = ?", {user_id});
    if (row.is_null(0)) return std::nullopt;
    return row.int64(0);
  });
}

std::int64_t DeviceListStore::max_stream_id() {
  return db_.read([](Connection& c) {
    return c.query_one("SELECT coalesce(max(stream_id), 0) FROM device_list_changes").int64(0);
  });
}

}  // namespace myelin::storage
