// Accounts linked to single sign-on identities (Synapse's user_external_ids): an identity
// provider's subject maps to one local user, so a returning user finds the same account.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV4 = R"sql(
CREATE TABLE user_external_ids (
  auth_provider TEXT NOT NULL,
  external_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (auth_provider, external_id)
);
CREATE INDEX user_external_ids_user_id ON user_external_ids (user_id);
)sql";

}  // namespace

sql::Migration migration_v4_sso() {
  return {.version = 4, .description = "SSO external IDs", .sql = kV4};
}

}  // namespace myelin::storage
