#include "storage/schema/schema_migrations.hpp"

#include "storage/schema/migrations.hpp"

namespace myelin::storage {
namespace {

// Version 1: accounts, rooms, events with their state, and the per-user data sync serves.
//
// Positions: `stream_ordering` / `stream_id` columns share one global, gap-free sequence (see
// store/stream_counter.hpp), so one sync token position orders events, account data, receipts
// and presence together.
constexpr const char* kV1 = R"sql(
CREATE TABLE users (
  user_id TEXT PRIMARY KEY,
  password_hash TEXT,
  created_ts {{BIGINT}} NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  is_guest INTEGER NOT NULL DEFAULT 0,
  deactivated INTEGER NOT NULL DEFAULT 0,
  user_type TEXT
);
CREATE TABLE profiles (
  user_id TEXT PRIMARY KEY,
  displayname TEXT,
  avatar_url TEXT
);
CREATE TABLE devices (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  display_name TEXT,
  last_seen_ts {{BIGINT}},
  last_seen_ip TEXT,
  PRIMARY KEY (user_id, device_id)
);
CREATE TABLE access_tokens (
  token TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  created_ts {{BIGINT}} NOT NULL
);
CREATE INDEX access_tokens_by_device ON access_tokens (user_id, device_id);

CREATE TABLE rooms (
  room_id TEXT PRIMARY KEY,
  room_version TEXT NOT NULL,
  creator TEXT NOT NULL,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_ts {{BIGINT}} NOT NULL
);
CREATE TABLE room_aliases (
  alias TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  creator TEXT NOT NULL
);
CREATE INDEX room_aliases_by_room ON room_aliases (room_id);

-- Every event as its PDU (canonical JSON, as signed), with the columns queries need.
-- state_group: the room's state after this event.
CREATE TABLE events (
  stream_ordering {{BIGINT}} PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT,
  sender TEXT NOT NULL,
  depth {{BIGINT}} NOT NULL,
  origin_server_ts {{BIGINT}} NOT NULL,
  pdu_json TEXT NOT NULL,
  unsigned_json TEXT,
  state_group {{BIGINT}},
  redacted_by TEXT,
  device_id TEXT,
  txn_id TEXT,
  contains_url INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_room ON events (room_id, stream_ordering);
CREATE UNIQUE INDEX events_by_txn ON events (sender, device_id, txn_id) WHERE txn_id IS NOT NULL;

-- State snapshots with structural sharing: a group holds either every entry (prev_group NULL)
-- or the entries that differ from prev_group.
CREATE TABLE state_groups (
  id {{BIGINT}} PRIMARY KEY,
  room_id TEXT NOT NULL,
  prev_group {{BIGINT}},
  chain_length INTEGER NOT NULL
);
CREATE TABLE state_group_entries (
  state_group {{BIGINT}} NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (state_group, type, state_key)
);
CREATE TABLE current_state (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  stream_ordering {{BIGINT}} NOT NULL,
  PRIMARY KEY (room_id, type, state_key)
);
CREATE TABLE forward_extremities (
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (room_id, event_id)
);
-- Each user's current membership of each room (local and remote users alike).
CREATE TABLE room_memberships (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  membership TEXT NOT NULL,
  event_id TEXT NOT NULL,
  stream_ordering {{BIGINT}} NOT NULL,
  forgotten INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_memberships_by_user ON room_memberships (user_id, stream_ordering);
-- Why an invitee sees a room: the stripped state sent with the invite.
CREATE TABLE invite_states (
  event_id TEXT PRIMARY KEY,
  stripped_state_json TEXT NOT NULL
);

CREATE TABLE account_data (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  content_json TEXT NOT NULL,
  stream_id {{BIGINT}} NOT NULL,
  PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_by_stream ON account_data (user_id, stream_id);
CREATE TABLE receipts (
  room_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  user_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_stream_ordering {{BIGINT}} NOT NULL,
  ts {{BIGINT}} NOT NULL,
  stream_id {{BIGINT}} NOT NULL,
  PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
);
CREATE INDEX receipts_by_stream ON receipts (room_id, stream_id);
CREATE INDEX receipts_by_position ON receipts (stream_id);
CREATE TABLE filters (
  user_id TEXT NOT NULL,
  filter_id {{BIGINT}} NOT NULL,
  filter_json TEXT NOT NULL,
  PRIMARY KEY (user_id, filter_id)
);
CREATE TABLE push_rules (
  user_id TEXT PRIMARY KEY,
  rules_json TEXT NOT NULL
);
CREATE TABLE presence (
  user_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  status_msg TEXT,
  last_active_ts {{BIGINT}} NOT NULL,
  stream_id {{BIGINT}} NOT NULL
);
-- Which events notify whom, for the unread counts in sync.
CREATE TABLE event_push_actions (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  stream_ordering {{BIGINT}} NOT NULL,
  event_id TEXT NOT NULL,
  highlight INTEGER NOT NULL,
  thread_id TEXT NOT NULL,
  PRIMARY KEY (user_id, room_id, stream_ordering)
) {{CLUSTERED}};
)sql";

}  // namespace

sql::Migration migration_v1_core() {
  return {.version = 1, .description = "accounts, rooms, events, state and user data", .sql = kV1};
}

const std::vector<sql::Migration>& schema_migrations() {
  static const std::vector<sql::Migration> migrations = {
      migration_v1_core(),
      migration_v2_registration_tokens(),
      migration_v3_threepids(),
      migration_v4_sso(),
      migration_v5_user_admin(),
      migration_v6_room_admin(),
      migration_v7_ratelimit(),
      migration_v9_media(),
      migration_v10_pushers(),
      migration_v11_server_keys(),
      migration_v12_federation_sender(),
      migration_v13_remote_events(),
      migration_v14_device_messages(),
      migration_v15_e2ee_keys(),
      migration_v16_unread_counts(),
      migration_v17_delivery_key_age(),
  };
  return migrations;
}

}  // namespace myelin::storage
