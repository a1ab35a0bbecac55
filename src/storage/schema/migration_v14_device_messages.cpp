// Messages sent straight to devices, and the record of whose device lists changed (the to-device
// and device-list halves of end-to-end encryption's plumbing; issue 5's EDUs). Both count on the
// global stream, so a /sync token says how far a client has seen them.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV14 = R"sql(
-- To-device messages waiting for their device: message_json is the event a /sync gives
-- ({type, sender, content}). A row goes once the device syncs with a token past its stream_id
-- (the client has it), or when the device is deleted.
CREATE TABLE device_inbox (
  id {{AUTOINCREMENT}},
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  stream_id {{BIGINT}} NOT NULL,
  message_json TEXT NOT NULL
);
CREATE INDEX device_inbox_by_device ON device_inbox (user_id, device_id, stream_id);
-- What has already been delivered, so a retried request is not delivered twice: a local
-- sender's transaction IDs (origin = '', sender_key = the user and device) and other servers'
-- message_ids (origin = the server). stream_id: where its messages went on the stream (the
-- stream restarts above it, even once the inbox rows are gone).
CREATE TABLE device_message_dedup (
  origin TEXT NOT NULL,
  sender_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  stream_id {{BIGINT}} NOT NULL,
  PRIMARY KEY (origin, sender_key, message_id)
);
-- A user's devices (or their keys) changed at stream_id: local users when a device is added,
-- renamed, re-keyed or deleted; remote users when their server says so (m.device_list_update).
-- prev_stream_id is the user's previous change (the EDU's prev_id), NULL for the first.
CREATE TABLE device_list_changes (
  stream_id {{BIGINT}} PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  prev_stream_id {{BIGINT}}
);
CREATE INDEX device_list_changes_by_user ON device_list_changes (user_id, stream_id);
-- A room's membership changes since a sync token (who began or stopped sharing it), without
-- reading every member of a large room.
CREATE INDEX room_memberships_by_room_stream ON room_memberships (room_id, stream_ordering);
)sql";

}  // namespace

sql::Migration migration_v14_device_messages() {
  return {.version = 14, .description = "device inbox and device-list changes", .sql = kV14};
}

}  // namespace myelin::storage
