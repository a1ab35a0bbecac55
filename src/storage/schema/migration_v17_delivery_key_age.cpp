// When each to-device delivery key was recorded, so that old ones can be forgotten
// (DeviceInboxStore::forget_deliveries_before): a retry comes within minutes (a client) or hours
// (another server's transaction), and without an age the table grew with every message forever.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

// Rows from before have no time (0): the first pass that forgets old keys dates them.
constexpr const char* kV17 = R"sql(
ALTER TABLE device_message_dedup ADD COLUMN received_ts {{BIGINT}} NOT NULL DEFAULT 0;
)sql";

}  // namespace

sql::Migration migration_v17_delivery_key_age() {
  return {.version = 17, .description = "to-device delivery keys' age", .sql = kV17};
}

}  // namespace myelin::storage
