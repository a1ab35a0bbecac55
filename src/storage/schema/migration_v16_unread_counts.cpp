// Unread notification counts kept as counters (issue 3, message throughput): one row per
// notifying event instead of one per notified member, and each (room, user)'s count as of their
// read position (storage/store/unread_counts.hpp says how the two are kept in step).
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

// The v1 rows are carried over: grouped per event, and counted after each user's read position
// (their latest m.read or m.read.private receipt, 0 without one) as read_position_in() reads it.
constexpr const char* kCreate = R"sql(
-- Who each event notifies (push rules): one line per user, "user_id TAB highlight TAB thread_id".
CREATE TABLE event_notifications (
  room_id TEXT NOT NULL,
  stream_ordering {{BIGINT}} NOT NULL,
  event_id TEXT NOT NULL,
  notified TEXT NOT NULL,
  PRIMARY KEY (room_id, stream_ordering)
) {{CLUSTERED}};
-- A user's notifications and highlights in a room after read_position, the read position they
-- were counted from.
CREATE TABLE room_unread_counts (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  notification_count {{BIGINT}} NOT NULL,
  highlight_count {{BIGINT}} NOT NULL,
  read_position {{BIGINT}} NOT NULL,
  PRIMARY KEY (room_id, user_id)
) {{CLUSTERED}};
)sql";

constexpr const char* kCarryOver = R"sql(
INSERT INTO room_unread_counts (room_id, user_id, notification_count, highlight_count,
                                read_position)
SELECT a.room_id, a.user_id,
       sum(CASE WHEN a.stream_ordering > coalesce(r.position, 0) THEN 1 ELSE 0 END),
       sum(CASE WHEN a.stream_ordering > coalesce(r.position, 0) THEN a.highlight ELSE 0 END),
       coalesce(r.position, 0)
FROM event_push_actions a
LEFT JOIN (SELECT room_id, user_id, max(event_stream_ordering) AS position FROM receipts
           WHERE receipt_type IN ('m.read', 'm.read.private') GROUP BY room_id, user_id) r
  ON r.room_id = a.room_id AND r.user_id = a.user_id
GROUP BY a.room_id, a.user_id, r.position;
DROP TABLE event_push_actions;
)sql";

constexpr const char* kGroupSqlite = R"sql(
INSERT INTO event_notifications (room_id, stream_ordering, event_id, notified)
SELECT room_id, stream_ordering, event_id,
       group_concat(user_id || char(9) || highlight || char(9) || thread_id, char(10))
FROM event_push_actions GROUP BY room_id, stream_ordering, event_id;
)sql";

constexpr const char* kGroupPostgres = R"sql(
INSERT INTO event_notifications (room_id, stream_ordering, event_id, notified)
SELECT room_id, stream_ordering, event_id,
       string_agg(user_id || chr(9) || highlight || chr(9) || thread_id, chr(10))
FROM event_push_actions GROUP BY room_id, stream_ordering, event_id;
)sql";

}  // namespace

sql::Migration migration_v16_unread_counts() {
  return {.version = 16,
          .description = "unread counts as counters, one notification row per event",
          .sql = std::string(kCreate) + kGroupSqlite + kCarryOver,
          .per_backend = {{"postgres", std::string(kCreate) + kGroupPostgres + kCarryOver}}};
}

}  // namespace myelin::storage
