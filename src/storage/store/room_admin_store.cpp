#include "storage/store/room_admin_store.hpp"

#include "storage/sql/transaction.hpp"
#include "storage/store/unread_counts.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

constexpr const char* kReportColumns =
    "id, received_ts, room_id, event_id, user_id, reason, score, event_sender";

EventReport read_report(const Row& row) {
  EventReport report;
  report.id = row.int64(0);
  report.received_ts = row.int64(1);
  report.room_id = row.text(2);
  report.event_id = row.text(3);
  report.user_id = row.text(4);
  report.reason = row.optional_text(5);
  report.score = row.optional_int64(6);
  report.event_sender = row.text(7);
  return report;
}

RoomAdminTask read_task(const Row& row) {
  return {row.text(0),          row.text(1),          row.text(2), row.text(3),
          row.optional_text(4), row.optional_text(5), row.int64(6)};
}

constexpr const char* kTaskColumns =
    "task_id, kind, room_id, status, error, result_json, updated_ts";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void RoomAdminStore::block_room(const std::string& room_id, const std::string& user_id) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO blocked_rooms (room_id, user_id) VALUES (?, ?)"
        " ON CONFLICT (room_id) DO NOTHING",
        {room_id, user_id});
  });
}

bool RoomAdminStore::unblock_room(const std::string& room_id) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM blocked_rooms WHERE room_id = ?", {room_id}) > 0;
  });
}

std::optional<std::string> RoomAdminStore::blocked_by(const std::string& room_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional("SELECT user_id FROM blocked_rooms WHERE room_id = ?", {room_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

std::int64_t RoomAdminStore::add_event_report(const EventReport& report) {
  return db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO event_reports (received_ts, room_id, event_id, user_id, reason, score,"
        " event_sender) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {report.received_ts, report.room_id, report.event_id, report.user_id, report.reason,
         report.score, report.event_sender});
    return c.last_insert_id();
  });
}

void RoomAdminStore::add_room_report(const std::string& room_id, const std::string& user_id,
                                     const std::optional<std::string>& reason,
                                     std::int64_t received_ts) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO room_reports (received_ts, room_id, user_id, reason) VALUES (?, ?, ?, ?)",
        {received_ts, room_id, user_id, reason});
  });
}

EventReportPage RoomAdminStore::event_reports(const EventReportQuery& query) {
  std::string where = " WHERE 1 = 1";
  sql::Params params;
  if (query.user_id) {
    where += " AND user_id = ?";
    params.emplace_back(*query.user_id);
  }
  if (query.room_id) {
    where += " AND room_id = ?";
    params.emplace_back(*query.room_id);
  }
  if (query.event_sender) {
    where += " AND event_sender = ?";
    params.emplace_back(*query.event_sender);
  }
  const char* direction = query.newest_first ? "DESC" : "ASC";
  return db_.read([&](Connection& c) {
    EventReportPage page;
    page.total = c.query_one("SELECT COUNT(*) FROM event_reports" + where, params).int64(0);
    sql::Params page_params = params;
    page_params.emplace_back(query.limit);
    page_params.emplace_back(query.from);
    for (const Row& row : c.query(std::string("SELECT ") + kReportColumns + " FROM event_reports" +
                                      where + " ORDER BY received_ts " + direction + ", id " +
                                      direction + " LIMIT ? OFFSET ?",
                                  page_params)) {
      page.reports.push_back(read_report(row));
    }
    return page;
  });
}

std::optional<EventReport> RoomAdminStore::event_report(std::int64_t id) {
  return db_.read([&](Connection& c) -> std::optional<EventReport> {
    auto row = c.query_optional(
        std::string("SELECT ") + kReportColumns + " FROM event_reports WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return read_report(*row);
  });
}

bool RoomAdminStore::delete_event_report(std::int64_t id) {
  return db_.write(
      [&](Connection& c) { return c.execute("DELETE FROM event_reports WHERE id = ?", {id}) > 0; });
}

void RoomAdminStore::put_task(const RoomAdminTask& task) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO room_admin_tasks (task_id, kind, room_id, status, error, result_json,"
        " updated_ts) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET"
        " status = excluded.status, error = excluded.error,"
        " result_json = excluded.result_json, updated_ts = excluded.updated_ts",
        {task.task_id, task.kind, task.room_id, task.status, task.error, task.result_json,
         task.updated_ts});
  });
}

std::optional<RoomAdminTask> RoomAdminStore::task(const std::string& task_id) {
  return db_.read([&](Connection& c) -> std::optional<RoomAdminTask> {
    auto row = c.query_optional(
        std::string("SELECT ") + kTaskColumns + " FROM room_admin_tasks WHERE task_id = ?",
        {task_id});
    if (!row) return std::nullopt;
    return read_task(*row);
  });
}

std::vector<RoomAdminTask> RoomAdminStore::tasks_of_room(const std::string& room_id,
                                                         const std::string& kind) {
  return db_.read([&](Connection& c) {
    std::vector<RoomAdminTask> tasks;
    for (const Row& row : c.query(std::string("SELECT ") + kTaskColumns +
                                      " FROM room_admin_tasks WHERE room_id = ? AND kind = ?"
                                      " ORDER BY updated_ts, task_id",
                                  {room_id, kind})) {
      tasks.push_back(read_task(row));
    }
    return tasks;
  });
}

std::int64_t RoomAdminStore::fail_unfinished_tasks(const std::string& error, std::int64_t now_ms) {
  return db_.write([&](Connection& c) {
    return c.execute(
        "UPDATE room_admin_tasks SET status = 'failed', error = ?, updated_ts = ?"
        " WHERE status IN ('scheduled', 'active')",
        {error, now_ms});
  });
}

std::vector<ExtremityInfo> RoomAdminStore::forward_extremities(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    std::vector<ExtremityInfo> extremities;
    for (const Row& row :
         c.query("SELECT f.event_id, COALESCE(e.state_group, 0), e.depth, e.origin_server_ts"
                 " FROM forward_extremities f JOIN events e ON e.event_id = f.event_id"
                 " WHERE f.room_id = ? ORDER BY e.depth DESC, e.stream_ordering DESC",
                 {room_id})) {
      extremities.push_back({row.text(0), row.int64(1), row.int64(2), row.int64(3)});
    }
    return extremities;
  });
}

std::int64_t RoomAdminStore::delete_extra_forward_extremities(const std::string& room_id) {
  return db_.write([&](Connection& c) -> std::int64_t {
    sql::Transaction tx(c);
    auto keep = c.query_optional(
        "SELECT f.event_id FROM forward_extremities f JOIN events e ON e.event_id = f.event_id"
        " WHERE f.room_id = ? ORDER BY e.depth DESC, e.stream_ordering DESC LIMIT 1",
        {room_id});
    if (!keep) return 0;
    const std::int64_t deleted =
        c.execute("DELETE FROM forward_extremities WHERE room_id = ? AND event_id <> ?",
                  {room_id, keep->text(0)});
    tx.commit();
    return deleted;
  });
}

std::int64_t RoomAdminStore::device_count(const std::vector<std::string>& user_ids) {
  return db_.read([&](Connection& c) {
    std::int64_t count = 0;
    for (const std::string& user_id : user_ids) {
      count += c.query_one("SELECT COUNT(*) FROM devices WHERE user_id = ?", {user_id}).int64(0);
    }
    return count;
  });
}

std::int64_t RoomAdminStore::purge_history(const std::string& room_id, std::int64_t before_depth,
                                           bool delete_local_events,
                                           const std::string& server_name) {
  const std::string local_suffix = ":" + server_name;
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::vector<std::pair<std::int64_t, std::string>> doomed;  // stream_ordering, event_id
    for (const Row& row :
         c.query("SELECT stream_ordering, event_id, sender FROM events"
                 " WHERE room_id = ? AND depth < ? AND state_key IS NULL AND event_id NOT IN"
                 " (SELECT event_id FROM forward_extremities WHERE room_id = ?)",
                 {room_id, before_depth, room_id})) {
      if (!delete_local_events && ends_with(row.text(2), local_suffix)) continue;
      doomed.emplace_back(row.int64(0), row.text(1));
    }
    for (const auto& [position, event_id] : doomed) {
      c.execute("DELETE FROM event_notifications WHERE room_id = ? AND stream_ordering = ?",
                {room_id, position});
      c.execute("DELETE FROM events WHERE stream_ordering = ?", {position});
    }
    if (!doomed.empty()) recount_room_unread(c, room_id);  // purged events no longer count
    tx.commit();
    return static_cast<std::int64_t>(doomed.size());
  });
}

std::vector<std::string> RoomAdminStore::move_aliases(const std::string& room_id,
                                                      const std::optional<std::string>& new_room_id,
                                                      const std::string& creator) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::vector<std::string> aliases;
    for (const Row& row :
         c.query("SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY alias", {room_id})) {
      aliases.push_back(row.text(0));
    }
    if (new_room_id) {
      c.execute("UPDATE room_aliases SET room_id = ?, creator = ? WHERE room_id = ?",
                {*new_room_id, creator, room_id});
    } else {
      c.execute("DELETE FROM room_aliases WHERE room_id = ?", {room_id});
    }
    tx.commit();
    return aliases;
  });
}

void RoomAdminStore::purge_room(const std::string& room_id) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    c.execute(
        "DELETE FROM invite_states WHERE event_id IN"
        " (SELECT event_id FROM events WHERE room_id = ?)",
        {room_id});
    c.execute(
        "DELETE FROM state_group_entries WHERE state_group IN"
        " (SELECT id FROM state_groups WHERE room_id = ?)",
        {room_id});
    for (const char* table :
         {"state_groups", "current_state", "forward_extremities", "room_memberships", "receipts",
          "event_notifications", "room_unread_counts", "account_data", "room_aliases", "events",
          "rooms"}) {
      c.execute(std::string("DELETE FROM ") + table + " WHERE room_id = ?", {room_id});
    }
    tx.commit();
  });
}

}  // namespace myelin::storage
