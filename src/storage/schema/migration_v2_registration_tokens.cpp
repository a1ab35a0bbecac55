// Registration tokens (spec m.login.registration_token; Synapse's admin API fields) and the uses
// they have reserved for registrations still in progress.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV2 = R"sql(
-- uses_allowed NULL: unlimited; expiry_time NULL: never expires (milliseconds since the epoch).
-- pending: uses reserved by registrations in progress; completed: registrations done with it.
CREATE TABLE registration_tokens (
  token TEXT PRIMARY KEY,
  uses_allowed INTEGER,
  pending INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  expiry_time {{BIGINT}}
);
-- Which UIA session holds which pending use, so that a use is released exactly once: when the
-- registration fails, or when the reservation outlives the session (swept by age).
-- claimed: the registration is creating the account right now.
CREATE TABLE registration_token_reservations (
  session_id TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  reserved_ts {{BIGINT}} NOT NULL,
  claimed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX registration_token_reservations_by_age
  ON registration_token_reservations (reserved_ts);
)sql";

}  // namespace

sql::Migration migration_v2_registration_tokens() {
  return {.version = 2, .description = "registration tokens", .sql = kV2};
}

}  // namespace myelin::storage
