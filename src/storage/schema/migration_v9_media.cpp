// The local media repository's metadata (Synapse's local_media_repository, trimmed to what myelin
// serves). The bytes live in files under media_store_path; a row without media_length is an ID
// created by POST /_matrix/media/v1/create whose content has not been uploaded yet.
#include "storage/schema/migrations.hpp"

namespace myelin::storage {

namespace {

constexpr const char* kV9 = R"sql(
CREATE TABLE local_media (
  media_id TEXT PRIMARY KEY,
  media_type TEXT,
  media_length {{BIGINT}},
  upload_name TEXT,
  created_ts {{BIGINT}} NOT NULL,
  last_access_ts {{BIGINT}},
  user_id TEXT NOT NULL,
  quarantined_by TEXT,
  safe_from_quarantine INTEGER NOT NULL DEFAULT 0,
  sha256 TEXT
);
CREATE INDEX local_media_by_user ON local_media (user_id, created_ts);
CREATE INDEX local_media_by_created ON local_media (created_ts);
CREATE INDEX local_media_by_sha256 ON local_media (sha256);
)sql";

}  // namespace

sql::Migration migration_v9_media() {
  return {.version = 9, .description = "local media repository", .sql = kV9};
}

}  // namespace myelin::storage
