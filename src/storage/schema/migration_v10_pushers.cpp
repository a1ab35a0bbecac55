// Pushers (spec client-server API "Push notifications": POST /pushers/set): where a user's
// devices want notifications sent. Delivery arrives with the push issue; registering, listing
// and removing them is here.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV10 = R"sql(
CREATE TABLE pushers (
  user_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  pushkey TEXT NOT NULL,
  kind TEXT NOT NULL,
  app_display_name TEXT NOT NULL,
  device_display_name TEXT NOT NULL,
  profile_tag TEXT,
  lang TEXT NOT NULL,
  data_json TEXT NOT NULL,
  -- The device that registered it: its pushers go when it logs out (as Synapse).
  device_id TEXT NOT NULL,
  created_ts {{BIGINT}} NOT NULL,
  PRIMARY KEY (app_id, pushkey, user_id)
);
CREATE INDEX pushers_by_user ON pushers (user_id);
)sql";

}  // namespace

sql::Migration migration_v10_pushers() {
  return {.version = 10, .description = "pushers", .sql = kV10};
}

}  // namespace myelin::storage
