#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// One row of the local media repository (Synapse's local_media_repository fields).
struct LocalMedia {
  std::string media_id;
  std::optional<std::string> media_type;
  // nullopt: an ID from POST /_matrix/media/v1/create whose content has not arrived yet.
  std::optional<std::int64_t> media_length;
  std::optional<std::string> upload_name;
  std::int64_t created_ts = 0;
  std::optional<std::int64_t> last_access_ts;
  std::string user_id;  // the uploader
  std::optional<std::string> quarantined_by;
  bool safe_from_quarantine = false;
  std::optional<std::string> sha256;  // hex, of the content

  bool uploaded() const { return media_length.has_value(); }
};

// The content of a pending ID, filled in by its upload.
struct MediaContent {
  std::string media_type;
  std::int64_t media_length = 0;
  std::optional<std::string> upload_name;
  std::string sha256;
};

// The orders of Synapse's admin list of a user's media (order_by=...).
enum class MediaOrder {
  kMediaId,
  kUploadName,
  kCreatedTs,
  kLastAccessTs,
  kMediaLength,
  kMediaType,
  kQuarantinedBy,
  kSafeFromQuarantine,
};

// Local media metadata. Quarantine follows Synapse: it reaches every copy of the same content
// (same sha256) and never touches media protected by an admin. Every call blocks: run on a
// worker pool.
class MediaStore {
 public:
  explicit MediaStore(sql::Database& db) : db_(db) {}

  // A new row (an upload, or a pending ID when media_length is nullopt). New content that is
  // already quarantined elsewhere (same sha256) arrives quarantined, unless protected.
  void insert(const LocalMedia& media);
  // Fills in a pending ID; false when it is no longer pending (uploaded meanwhile).
  bool complete(const std::string& media_id, const MediaContent& content);
  std::optional<LocalMedia> get(const std::string& media_id);
  void set_last_access(const std::string& media_id, std::int64_t ts);
  bool remove(const std::string& media_id);

  // The user's pending IDs created at or after `since`, oldest first (creation times).
  std::vector<std::int64_t> pending_since(const std::string& user_id, std::int64_t since);

  // A page of the user's media (uploaded or pending), ordered by `order` then media_id.
  std::vector<LocalMedia> by_user(const std::string& user_id, std::int64_t from, std::int64_t limit,
                                  MediaOrder order, bool ascending);
  std::int64_t count_by_user(const std::string& user_id);

  // Media last accessed (never accessed: created) before `before_ts`, larger than `size_gt`
  // bytes, neither quarantined nor protected (Synapse's defaults). keep_profile_media: also
  // leave media used as a user's avatar or in current room state (room avatar, member avatar);
  // `mxc_prefix` is "mxc://<server_name>/".
  std::vector<std::string> old_media(std::int64_t before_ts, std::int64_t size_gt,
                                     bool keep_profile_media, const std::string& mxc_prefix);

  // How many media became quarantined: those named and every other with the same content,
  // protected ones excepted.
  std::int64_t quarantine(const std::vector<std::string>& media_ids,
                          const std::string& quarantined_by);
  std::int64_t quarantine_user(const std::string& user_id, const std::string& quarantined_by);
  // Lifts the quarantine of the named media and of every other with the same content.
  std::int64_t unquarantine(const std::vector<std::string>& media_ids);
  // False when there is no such media.
  bool set_protected(const std::string& media_id, bool safe);

  // The PDUs (JSON) of the room's events whose content has a `url`, newest first.
  std::vector<std::string> url_events(const std::string& room_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
