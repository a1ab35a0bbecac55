#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// A user's report of an event (spec "Reporting content"), as the Synapse Admin API lists it.
struct EventReport {
  std::int64_t id = 0;  // assigned by the store
  std::int64_t received_ts = 0;
  std::string room_id;
  std::string event_id;
  std::string user_id;  // the reporter
  std::optional<std::string> reason;
  std::optional<std::int64_t> score;
  std::string event_sender;  // who sent the reported event
};

struct EventReportQuery {
  std::int64_t from = 0;  // offset
  std::int64_t limit = 100;
  bool newest_first = true;  // Synapse's dir=b, the default
  std::optional<std::string> user_id;
  std::optional<std::string> room_id;
  std::optional<std::string> event_sender;
};

struct EventReportPage {
  std::vector<EventReport> reports;
  std::int64_t total = 0;  // matching the filters, all pages
};

// A background room deletion or history purge and how it went.
struct RoomAdminTask {
  std::string task_id;
  std::string kind;  // "delete_room" or "purge_history"
  std::string room_id;
  std::string status;  // scheduled, active, complete, failed
  std::optional<std::string> error;
  std::optional<std::string> result_json;
  std::int64_t updated_ts = 0;
};

struct ExtremityInfo {
  std::string event_id;
  std::int64_t state_group = 0;
  std::int64_t depth = 0;
  std::int64_t received_ts = 0;  // origin_server_ts: events are stored when sent or received
};

// What the Synapse Admin API for rooms reads and changes beyond the event and room stores:
// blocked rooms, event reports, task status, and the deletes of purges. Every call blocks.
class RoomAdminStore {
 public:
  explicit RoomAdminStore(sql::Database& db) : db_(db) {}

  // The first admin to block a room stays its blocker (as Synapse).
  void block_room(const std::string& room_id, const std::string& user_id);
  bool unblock_room(const std::string& room_id);
  std::optional<std::string> blocked_by(const std::string& room_id);

  std::int64_t add_event_report(const EventReport& report);
  void add_room_report(const std::string& room_id, const std::string& user_id,
                       const std::optional<std::string>& reason, std::int64_t received_ts);
  EventReportPage event_reports(const EventReportQuery& query);
  std::optional<EventReport> event_report(std::int64_t id);
  bool delete_event_report(std::int64_t id);

  // Inserts or replaces the task with this ID.
  void put_task(const RoomAdminTask& task);
  std::optional<RoomAdminTask> task(const std::string& task_id);
  std::vector<RoomAdminTask> tasks_of_room(const std::string& room_id, const std::string& kind);
  // Marks tasks a stopped server left scheduled or active as failed; returns how many.
  std::int64_t fail_unfinished_tasks(const std::string& error, std::int64_t now_ms);

  std::vector<ExtremityInfo> forward_extremities(const std::string& room_id);
  // Deletes all of the room's forward extremities but the deepest (newest on ties); returns
  // how many went.
  std::int64_t delete_extra_forward_extremities(const std::string& room_id);

  // Devices of these users (joined_local_devices).
  std::int64_t device_count(const std::vector<std::string>& user_ids);

  // Deletes the room's non-state events with depth < `before_depth`, except forward
  // extremities; events of local senders (user IDs ending in ":" + server_name) only when
  // `delete_local_events`. State events stay: state groups and auth need them. Returns how
  // many events went.
  std::int64_t purge_history(const std::string& room_id, std::int64_t before_depth,
                             bool delete_local_events, const std::string& server_name);

  // Points the room's aliases at `new_room_id` (made by `creator`), or deletes them when there
  // is none; returns the aliases.
  std::vector<std::string> move_aliases(const std::string& room_id,
                                        const std::optional<std::string>& new_room_id,
                                        const std::string& creator);

  // Removes every trace of the room: events, state, memberships, receipts, unread counts, room
  // account data, aliases and the room itself. Blocks and reports stay.
  void purge_room(const std::string& room_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
