// Third-party identifiers (spec client-server API "Adding Account Administrative Contact
// Information"): the addresses bound to accounts and the sessions that validate them.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV3 = R"sql(
-- An address belongs to at most one account (spec: M_THREEPID_IN_USE). Times in ms.
-- address is stored canonical (e-mail lower-cased), so lookups compare it as is.
CREATE TABLE user_threepids (
  medium TEXT NOT NULL,
  address TEXT NOT NULL,
  user_id TEXT NOT NULL,
  validated_at {{BIGINT}} NOT NULL,
  added_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (medium, address)
);
CREATE INDEX user_threepids_by_user ON user_threepids (user_id);
-- One validation session per (client_secret, medium, address), as Synapse: asking again with
-- the same client secret returns the same sid. send_attempt is the highest the client sent;
-- token is the secret mailed in the link, valid until token_expires; validated_at is set once
-- the link was followed; next_link is where the browser goes after that (spec requestToken).
CREATE TABLE threepid_validation_sessions (
  sid TEXT PRIMARY KEY,
  medium TEXT NOT NULL,
  address TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  send_attempt {{BIGINT}} NOT NULL,
  token TEXT NOT NULL,
  token_expires {{BIGINT}} NOT NULL,
  validated_at {{BIGINT}},
  next_link TEXT
);
CREATE UNIQUE INDEX threepid_validation_sessions_by_secret
  ON threepid_validation_sessions (client_secret, medium, address);
CREATE INDEX threepid_validation_sessions_by_expiry
  ON threepid_validation_sessions (token_expires);
)sql";

}  // namespace

sql::Migration migration_v3_threepids() {
  return {.version = 3, .description = "third-party identifiers", .sql = kV3};
}

}  // namespace myelin::storage
