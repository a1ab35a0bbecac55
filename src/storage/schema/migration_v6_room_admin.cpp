// What the Synapse Admin API for rooms keeps: blocked rooms, event reports (with room reports
// from the client API) and the status of background room deletions and history purges.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV6 = R"sql(
-- Rooms local users may not join or be invited to; user_id: the admin who blocked it.
CREATE TABLE blocked_rooms (
  room_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL
);
-- Reports of events by users (spec "Reporting content"). event_sender is copied at report time
-- so the report stays readable after the event is purged.
CREATE TABLE event_reports (
  id {{AUTOINCREMENT}},
  received_ts {{BIGINT}} NOT NULL,
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reason TEXT,
  score {{BIGINT}},
  event_sender TEXT NOT NULL
);
CREATE INDEX event_reports_by_time ON event_reports (received_ts, id);
CREATE TABLE room_reports (
  id {{AUTOINCREMENT}},
  received_ts {{BIGINT}} NOT NULL,
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reason TEXT
);
-- Room deletions (kind 'delete_room') and history purges (kind 'purge_history'), as Synapse's
-- scheduled tasks: status scheduled, active, complete or failed; result_json holds the
-- deletion's shutdown_room object.
CREATE TABLE room_admin_tasks (
  task_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  room_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  result_json TEXT,
  updated_ts {{BIGINT}} NOT NULL
);
CREATE INDEX room_admin_tasks_by_room ON room_admin_tasks (room_id);
)sql";

}  // namespace

sql::Migration migration_v6_room_admin() {
  return {
      .version = 6, .description = "blocked rooms, event reports, room admin tasks", .sql = kV6};
}

}  // namespace myelin::storage
