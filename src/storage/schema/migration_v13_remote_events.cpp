// Events from other servers that are not part of a room's timeline (issue 5): outliers — a
// joined room's earlier state and auth chains, invites into rooms this server does not hold —
// and events that failed the auth rules or soft-failed. They stay in `events` (the federation
// read endpoints and auth chains need them), but timeline queries skip them.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV13 = R"sql(
-- 1 for an event outside the timeline. Outliers that change no local user's membership get a
-- negative stream_ordering, below every stream token.
ALTER TABLE events ADD COLUMN outlier INTEGER NOT NULL DEFAULT 0;
-- Why the event failed the auth rules ("rejected: …") or soft-failed ("soft-failed: …"); NULL
-- for accepted events. Rejected events are never state and never served as part of the room.
ALTER TABLE events ADD COLUMN rejection TEXT;
)sql";

}  // namespace

sql::Migration migration_v13_remote_events() {
  return {.version = 13, .description = "outliers and rejected events", .sql = kV13};
}

}  // namespace myelin::storage
