#include "storage/store/pusher_store.hpp"

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

void PusherStore::set(const PusherRecord& pusher, bool append) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    if (!append) {
      c.execute("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id != ?",
                {pusher.app_id, pusher.pushkey, pusher.user_id});
    }
    c.execute("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id = ?",
              {pusher.app_id, pusher.pushkey, pusher.user_id});
    c.execute(
        "INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name,"
        " device_display_name, profile_tag, lang, data_json, device_id, created_ts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {pusher.user_id, pusher.app_id, pusher.pushkey, pusher.kind, pusher.app_display_name,
         pusher.device_display_name, pusher.profile_tag, pusher.lang, pusher.data_json,
         pusher.device_id, pusher.created_ts});
    tx.commit();
  });
}

bool PusherStore::remove(const std::string& user_id, const std::string& app_id,
                         const std::string& pushkey) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id = ?",
                     {app_id, pushkey, user_id}) > 0;
  });
}

std::vector<PusherRecord> PusherStore::of_user(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<PusherRecord> pushers;
    for (const sql::Row& row :
         c.query("SELECT app_id, pushkey, kind, app_display_name, device_display_name, profile_tag,"
                 " lang, data_json, device_id, created_ts FROM pushers WHERE user_id = ?"
                 " ORDER BY created_ts, app_id, pushkey",
                 {user_id})) {
      PusherRecord pusher;
      pusher.user_id = user_id;
      pusher.app_id = row.text(0);
      pusher.pushkey = row.text(1);
      pusher.kind = row.text(2);
      pusher.app_display_name = row.text(3);
      pusher.device_display_name = row.text(4);
      pusher.profile_tag = row.optional_text(5);
      pusher.lang = row.text(6);
      pusher.data_json = row.text(7);
      pusher.device_id = row.text(8);
      pusher.created_ts = row.int64(9);
      pushers.push_back(std::move(pusher));
    }
    return pushers;
  });
}

}  // namespace myelin::storage
