// What the federation sender keeps (issue 5): the outbox of PDUs and EDUs still to be sent to
// each server, so nothing queued is lost across a restart, and each server's retry state, with
// the columns the Synapse Admin API's federation destinations expose.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV12 = R"sql(
-- One row per (destination, PDU or EDU) still to be sent, in sending order (id). kind 'pdu' or
-- 'edu'; json: the PDU as signed, or the EDU object {edu_type, content}. A row goes only once
-- the destination acknowledged (200) the transaction that carried it.
CREATE TABLE federation_outbox (
  id {{AUTOINCREMENT}},
  destination TEXT NOT NULL,
  kind TEXT NOT NULL,
  json TEXT NOT NULL,
  stream_ordering {{BIGINT}} NOT NULL
);
CREATE INDEX federation_outbox_by_destination ON federation_outbox (destination, kind, id);
-- Every server we have queued something for, and its back-off (Synapse's destinations table):
-- retry_last_ts and retry_interval 0 while it is reachable; failure_ts: when the current run
-- of failures began (NULL while reachable); last_successful_stream_ordering: the newest event
-- it acknowledged.
CREATE TABLE destinations (
  destination TEXT PRIMARY KEY,
  retry_last_ts {{BIGINT}} NOT NULL DEFAULT 0,
  retry_interval {{BIGINT}} NOT NULL DEFAULT 0,
  failure_ts {{BIGINT}},
  last_successful_stream_ordering {{BIGINT}}
);
-- The rooms each server shares with us, with the newest event queued for it there.
CREATE TABLE destination_rooms (
  destination TEXT NOT NULL,
  room_id TEXT NOT NULL,
  stream_ordering {{BIGINT}} NOT NULL,
  PRIMARY KEY (destination, room_id)
);
)sql";

}  // namespace

sql::Migration migration_v12_federation_sender() {
  return {.version = 12, .description = "federation outbox and destinations", .sql = kV12};
}

}  // namespace myelin::storage
