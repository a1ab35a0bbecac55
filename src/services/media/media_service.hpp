#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/media/media_files.hpp"
#include "storage/store/media_store.hpp"

namespace myelin::services {

// A media's metadata with its bytes, for a download.
struct MediaDownload {
  storage::LocalMedia info;
  std::string bytes;
};

// POST /_matrix/media/v1/create's answer.
struct CreatedMedia {
  std::string media_id;
  std::int64_t unused_expires_at = 0;
};

// A page of a user's media and how many they have in all.
struct MediaPage {
  std::vector<storage::LocalMedia> media;
  std::int64_t total = 0;
};

// The mxc:// URIs referenced by a room's events (content.url, content.info.thumbnail_url).
struct RoomMedia {
  std::vector<std::string> local;
  std::vector<std::string> remote;
};

// The local media repository: uploads (direct, or to an ID created beforehand), downloads, and
// what the Synapse Admin API does with media (list, delete, quarantine, protect). Remote media
// (fetched over federation) and thumbnails are not served yet.
class MediaService {
 public:
  // Spec: the recommended time for an unused created ID (24 hours).
  static constexpr std::int64_t kUnusedExpiryMs = 24 * 60 * 60 * 1000;
  // Synapse's max_pending_media_uploads default.
  static constexpr std::size_t kMaxPendingUploads = 5;
  static constexpr std::size_t kMediaIdLength = 24;  // Synapse's media IDs

  explicit MediaService(ServiceContext& ctx);

  // Stores the bytes; the new media ID. 413 M_TOO_LARGE above max_upload_size.
  boost::asio::awaitable<std::string> upload(std::string user_id, std::string media_type,
                                             std::optional<std::string> upload_name,
                                             std::string bytes);
  // An ID to upload to later; 429 M_LIMIT_EXCEEDED with too many unused ones.
  boost::asio::awaitable<CreatedMedia> create(std::string user_id);
  // Uploads to a created ID: 404 M_NOT_FOUND (unknown, expired), 403 M_FORBIDDEN (another
  // user's), 409 M_CANNOT_OVERWRITE_MEDIA (has content), 413 M_TOO_LARGE.
  boost::asio::awaitable<void> upload_to(std::string user_id, std::string media_id,
                                         std::string media_type,
                                         std::optional<std::string> upload_name, std::string bytes);
  // 404 M_NOT_FOUND for unknown, quarantined and remote media; 504 M_NOT_YET_UPLOADED for a
  // created ID whose content has not arrived. Records the access (last_access_ts).
  boost::asio::awaitable<MediaDownload> download(std::string server_name, std::string media_id);

  // Admin API.
  boost::asio::awaitable<std::optional<storage::LocalMedia>> info(std::string media_id);
  // The IDs actually deleted (rows and files).
  boost::asio::awaitable<std::vector<std::string>> remove(std::vector<std::string> media_ids);
  boost::asio::awaitable<std::vector<std::string>> remove_old(std::int64_t before_ts,
                                                              std::int64_t size_gt,
                                                              bool keep_profiles);
  boost::asio::awaitable<MediaPage> list_user_media(std::string user_id, std::int64_t from,
                                                    std::int64_t limit, storage::MediaOrder order,
                                                    bool ascending);
  boost::asio::awaitable<RoomMedia> room_media(std::string room_id);
  // Quarantine counts: how many media became (or stopped being) quarantined.
  boost::asio::awaitable<std::int64_t> quarantine(std::string server_name, std::string media_id,
                                                  std::string admin);
  boost::asio::awaitable<std::int64_t> unquarantine(std::string server_name, std::string media_id);
  boost::asio::awaitable<std::int64_t> quarantine_room(std::string room_id, std::string admin);
  boost::asio::awaitable<std::int64_t> quarantine_user(std::string user_id, std::string admin);
  // False when there is no such local media.
  boost::asio::awaitable<bool> set_protected(std::string media_id, bool safe);

 private:
  bool is_local(const std::string& server_name) const;
  // False when an upload to this ID is already under way.
  bool begin_upload(const std::string& media_id);
  void end_upload(const std::string& media_id);
  void check_size(std::size_t size) const;
  // Writes the file (on the CPU pool: hashing and disk writes); the content's sha256 in hex.
  boost::asio::awaitable<std::string> store_file(std::string media_id, std::string bytes);

  ServiceContext& ctx_;
  MediaFiles files_;
  std::mutex uploading_mutex_;
  std::set<std::string> uploading_;  // created IDs whose upload is under way
};

}  // namespace myelin::services
