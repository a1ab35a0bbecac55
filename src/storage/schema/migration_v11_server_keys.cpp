// Other servers' verify keys (issue 5): what checking signed requests and PDUs needs, kept across
// restarts, with the signed key document each key came in so that our notary can serve it on
// (spec server-server API "Querying Keys Through Another Server").
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV11 = R"sql(
-- One row per (server, key ID) learnt: verify_key is the unpadded base64 ed25519 public key;
-- valid_until_ts the document's; expired_ts set for keys listed in old_verify_keys (NULL for
-- current keys); fetched_ts when we learnt it; key_json the server's own signed key document
-- (signatures of notaries it came through included) that listed the key, as received.
CREATE TABLE server_keys (
  server_name TEXT NOT NULL,
  key_id TEXT NOT NULL,
  verify_key TEXT NOT NULL,
  valid_until_ts {{BIGINT}} NOT NULL,
  expired_ts {{BIGINT}},
  fetched_ts {{BIGINT}} NOT NULL,
  key_json TEXT NOT NULL,
  PRIMARY KEY (server_name, key_id)
);
)sql";

}  // namespace

sql::Migration migration_v11_server_keys() {
  return {.version = 11, .description = "remote server keys", .sql = kV11};
}

}  // namespace myelin::storage
