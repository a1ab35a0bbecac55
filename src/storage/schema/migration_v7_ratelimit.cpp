// Per-user rate-limit overrides set by admins (Synapse's ratelimit_override table and admin API
// /_synapse/admin/v1/users/{userId}/override_ratelimit).
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV7 = R"sql(
-- messages_per_second 0: the user is not rate limited at all (Synapse's meaning).
CREATE TABLE ratelimit_override (
  user_id TEXT PRIMARY KEY,
  messages_per_second {{BIGINT}} NOT NULL,
  burst_count {{BIGINT}} NOT NULL
);
)sql";

}  // namespace

sql::Migration migration_v7_ratelimit() {
  return {.version = 7, .description = "rate-limit overrides", .sql = kV7};
}

}  // namespace myelin::storage
