// What the Synapse Admin API's user endpoints need beyond migration 1: account states an admin
// sets (locked, suspended, shadow-banned, erased), the connections whois reports, and the
// tokens admins obtain by logging in as a user.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV5 = R"sql(
ALTER TABLE users ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN shadow_banned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;
-- One row per (device, address, user agent) a user was seen with: Synapse's user_ips, which
-- GET /_synapse/admin/v1/whois reports. Devices are "" for device-less (login-as) tokens.
CREATE TABLE user_ips (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  last_seen {{BIGINT}} NOT NULL,
  PRIMARY KEY (user_id, device_id, ip, user_agent)
);
-- Access tokens an admin obtained with POST /_synapse/admin/v1/users/{userId}/login; the token
-- itself is in access_tokens (device ""). valid_until_ms NULL: never expires.
CREATE TABLE puppet_tokens (
  token TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  puppeteer TEXT NOT NULL,
  valid_until_ms {{BIGINT}}
);
)sql";

}  // namespace

sql::Migration migration_v5_user_admin() {
  return {.version = 5, .description = "user admin states, connections, puppet tokens", .sql = kV5};
}

}  // namespace myelin::storage
