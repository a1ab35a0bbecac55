#include "services/media/media_service.hpp"

#include <boost/json/parse.hpp>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/crypto/sha256.hpp"
#include "services/common/random_token.hpp"
#include "services/media/mxc_uri.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

MatrixError unknown_media() { return MatrixError(ErrCode::kNotFound, "Unknown media"); }

// The mxc:// URIs an event's content points at, as Synapse looks for them.
void collect_urls(const std::string& pdu_json, std::vector<std::string>& urls) {
  boost::system::error_code ec;
  bj::value pdu = bj::parse(pdu_json, ec);
  if (ec || !pdu.is_object()) return;
  const bj::value* content = pdu.as_object().if_contains("content");
  if (!content || !content->is_object()) return;
  if (const bj::value* url = content->as_object().if_contains("url"); url && url->is_string()) {
    urls.emplace_back(url->as_string());
  }
  const bj::value* info = content->as_object().if_contains("info");
  if (info && info->is_object()) {
    const bj::value* thumbnail = info->as_object().if_contains("thumbnail_url");
    if (thumbnail && thumbnail->is_string()) urls.emplace_back(thumbnail->as_string());
  }
}

}  // namespace

MediaService::MediaService(ServiceContext& ctx) : ctx_(ctx), files_(ctx.config.media.store_path) {}

bool MediaService::begin_upload(const std::string& media_id) {
  std::lock_guard lock(uploading_mutex_);
  return uploading_.insert(media_id).second;
}

void MediaService::end_upload(const std::string& media_id) {
  std::lock_guard lock(uploading_mutex_);
  uploading_.erase(media_id);
}

bool MediaService::is_local(const std::string& server_name) const {
  return server_name == ctx_.server_name();
}

void MediaService::check_size(std::size_t size) const {
  if (size > ctx_.config.media.max_upload_size) {
    throw MatrixError(ErrCode::kTooLarge, "Upload request body is too large");
  }
}

boost::asio::awaitable<std::string> MediaService::store_file(std::string media_id,
                                                             std::string bytes) {
  MediaFiles files = files_;
  auto write = [files, media_id, bytes = std::move(bytes)] {
    files.write(media_id, bytes);
    return hex(crypto::sha256(bytes));
  };
  co_return co_await ctx_.cpu(std::move(write));
}

boost::asio::awaitable<std::string> MediaService::upload(std::string user_id,
                                                         std::string media_type,
                                                         std::optional<std::string> upload_name,
                                                         std::string bytes) {
  check_size(bytes.size());
  storage::LocalMedia media;
  media.media_id = random_token(kMediaIdLength);
  media.media_type = std::move(media_type);
  media.media_length = static_cast<std::int64_t>(bytes.size());
  media.upload_name = std::move(upload_name);
  media.created_ts = ctx_.now_ms();
  media.user_id = std::move(user_id);
  // The file first: a crash in between leaves an unused file, never a row without content.
  media.sha256 = co_await store_file(media.media_id, std::move(bytes));
  storage::Store& store = ctx_.store;
  auto insert = [&store, media] { store.media.insert(media); };
  co_await ctx_.db(std::move(insert));
  co_return media.media_id;
}

boost::asio::awaitable<CreatedMedia> MediaService::create(std::string user_id) {
  const std::int64_t now = ctx_.now_ms();
  storage::Store& store = ctx_.store;
  const std::int64_t since = now - kUnusedExpiryMs;
  auto pending = [&store, user_id, since] { return store.media.pending_since(user_id, since); };
  std::vector<std::int64_t> created = co_await ctx_.db(std::move(pending));
  if (created.size() >= kMaxPendingUploads) {
    // The oldest pending ID expires first, freeing a slot.
    const std::int64_t retry_after = created.front() + kUnusedExpiryMs - now;
    throw MatrixError(ErrCode::kLimitExceeded, "You have too many uploads pending",
                      {{"retry_after_ms", retry_after}});
  }
  storage::LocalMedia media;
  media.media_id = random_token(kMediaIdLength);
  media.created_ts = now;
  media.user_id = std::move(user_id);
  auto insert = [&store, media] { store.media.insert(media); };
  co_await ctx_.db(std::move(insert));
  co_return CreatedMedia{media.media_id, now + kUnusedExpiryMs};
}

boost::asio::awaitable<void> MediaService::upload_to(std::string user_id, std::string media_id,
                                                     std::string media_type,
                                                     std::optional<std::string> upload_name,
                                                     std::string bytes) {
  storage::Store& store = ctx_.store;
  auto get = [&store, media_id] { return store.media.get(media_id); };
  std::optional<storage::LocalMedia> media = co_await ctx_.db(std::move(get));
  if (!media) throw MatrixError(ErrCode::kNotFound, "Unknown media ID");
  if (media->user_id != user_id) {
    throw MatrixError(ErrCode::kForbidden, "Only the creator of the media ID can upload to it");
  }
  if (media->uploaded()) {
    throw MatrixError(ErrCode::kCannotOverwriteMedia, "Media ID already has content");
  }
  if (media->created_ts < ctx_.now_ms() - kUnusedExpiryMs) {
    throw MatrixError(ErrCode::kNotFound, "Media ID has expired");
  }
  check_size(bytes.size());
  storage::MediaContent content;
  content.media_type = std::move(media_type);
  content.media_length = static_cast<std::int64_t>(bytes.size());
  content.upload_name = std::move(upload_name);
  // One upload per ID at a time (as Synapse's upload lock): a second one racing the first
  // would rewrite the file under the first one's row.
  if (!begin_upload(media_id)) {
    throw MatrixError(ErrCode::kCannotOverwriteMedia, "Media ID cannot be overwritten");
  }
  struct EndUpload {
    MediaService& service;
    std::string media_id;
    ~EndUpload() { service.end_upload(media_id); }
  } end_upload{*this, media_id};
  content.sha256 = co_await store_file(media_id, std::move(bytes));
  auto complete = [&store, media_id, content] { return store.media.complete(media_id, content); };
  const bool completed = co_await ctx_.db(std::move(complete));
  if (!completed) {
    throw MatrixError(ErrCode::kCannotOverwriteMedia, "Media ID already has content");
  }
}

boost::asio::awaitable<MediaDownload> MediaService::download(std::string server_name,
                                                             std::string media_id) {
  // Remote media arrives with federation; until then it is simply not found.
  if (!is_local(server_name)) throw unknown_media();
  storage::Store& store = ctx_.store;
  auto get = [&store, media_id] { return store.media.get(media_id); };
  std::optional<storage::LocalMedia> media = co_await ctx_.db(std::move(get));
  if (!media || media->quarantined_by) throw unknown_media();
  if (!media->uploaded()) {
    throw MatrixError(ErrCode::kNotYetUploaded, "Content has not yet been uploaded");
  }
  MediaFiles files = files_;
  auto read = [files, media_id] { return files.read(media_id); };
  std::optional<std::string> bytes = co_await ctx_.cpu(std::move(read));
  if (!bytes) {
    log::warn("media", "{} is in the database but its file is missing", media_id);
    throw unknown_media();
  }
  const std::int64_t now = ctx_.now_ms();
  auto touch = [&store, media_id, now] { store.media.set_last_access(media_id, now); };
  co_await ctx_.db(std::move(touch));
  media->last_access_ts = now;
  co_return MediaDownload{std::move(*media), std::move(*bytes)};
}

boost::asio::awaitable<std::optional<storage::LocalMedia>> MediaService::info(
    std::string media_id) {
  storage::Store& store = ctx_.store;
  auto get = [&store, media_id] { return store.media.get(media_id); };
  co_return co_await ctx_.db(std::move(get));
}

boost::asio::awaitable<std::vector<std::string>> MediaService::remove(
    std::vector<std::string> media_ids) {
  storage::Store& store = ctx_.store;
  MediaFiles files = files_;
  // The row first: once it is gone the media is unknown, and a crash before the file is
  // removed leaves only an unused file.
  auto remove_all = [&store, files, media_ids] {
    std::vector<std::string> deleted;
    for (const std::string& id : media_ids) {
      if (!store.media.remove(id)) continue;
      files.remove(id);
      deleted.push_back(id);
    }
    return deleted;
  };
  co_return co_await ctx_.db(std::move(remove_all));
}

boost::asio::awaitable<std::vector<std::string>> MediaService::remove_old(std::int64_t before_ts,
                                                                          std::int64_t size_gt,
                                                                          bool keep_profiles) {
  storage::Store& store = ctx_.store;
  const std::string prefix = "mxc://" + ctx_.server_name() + "/";
  auto select = [&store, before_ts, size_gt, keep_profiles, prefix] {
    return store.media.old_media(before_ts, size_gt, keep_profiles, prefix);
  };
  std::vector<std::string> ids = co_await ctx_.db(std::move(select));
  co_return co_await remove(std::move(ids));
}

boost::asio::awaitable<MediaPage> MediaService::list_user_media(std::string user_id,
                                                                std::int64_t from,
                                                                std::int64_t limit,
                                                                storage::MediaOrder order,
                                                                bool ascending) {
  storage::Store& store = ctx_.store;
  auto page = [&store, user_id, from, limit, order, ascending] {
    MediaPage result;
    result.media = store.media.by_user(user_id, from, limit, order, ascending);
    result.total = store.media.count_by_user(user_id);
    return result;
  };
  co_return co_await ctx_.db(std::move(page));
}

boost::asio::awaitable<RoomMedia> MediaService::room_media(std::string room_id) {
  storage::Store& store = ctx_.store;
  auto events = [&store, room_id] { return store.media.url_events(room_id); };
  std::vector<std::string> pdus = co_await ctx_.db(std::move(events));
  RoomMedia media;
  for (const std::string& pdu : pdus) {
    std::vector<std::string> urls;
    collect_urls(pdu, urls);
    for (const std::string& url : urls) {
      std::optional<MxcUri> mxc = MxcUri::parse(url);
      if (!mxc) continue;
      (is_local(mxc->server_name) ? media.local : media.remote).push_back(mxc->to_string());
    }
  }
  co_return media;
}

boost::asio::awaitable<std::int64_t> MediaService::quarantine(std::string server_name,
                                                              std::string media_id,
                                                              std::string admin) {
  if (!is_local(server_name)) co_return 0;  // no remote media is cached yet
  storage::Store& store = ctx_.store;
  auto run = [&store, media_id, admin] { return store.media.quarantine({media_id}, admin); };
  co_return co_await ctx_.db(std::move(run));
}

boost::asio::awaitable<std::int64_t> MediaService::unquarantine(std::string server_name,
                                                                std::string media_id) {
  if (!is_local(server_name)) co_return 0;
  storage::Store& store = ctx_.store;
  auto run = [&store, media_id] { return store.media.unquarantine({media_id}); };
  co_return co_await ctx_.db(std::move(run));
}

boost::asio::awaitable<std::int64_t> MediaService::quarantine_room(std::string room_id,
                                                                   std::string admin) {
  RoomMedia media = co_await room_media(room_id);
  std::vector<std::string> ids;
  for (const std::string& url : media.local) ids.push_back(MxcUri::parse(url)->media_id);
  storage::Store& store = ctx_.store;
  auto run = [&store, ids, admin] { return store.media.quarantine(ids, admin); };
  co_return co_await ctx_.db(std::move(run));
}

boost::asio::awaitable<std::int64_t> MediaService::quarantine_user(std::string user_id,
                                                                   std::string admin) {
  storage::Store& store = ctx_.store;
  auto run = [&store, user_id, admin] { return store.media.quarantine_user(user_id, admin); };
  co_return co_await ctx_.db(std::move(run));
}

boost::asio::awaitable<bool> MediaService::set_protected(std::string media_id, bool safe) {
  storage::Store& store = ctx_.store;
  auto run = [&store, media_id, safe] { return store.media.set_protected(media_id, safe); };
  co_return co_await ctx_.db(std::move(run));
}

}  // namespace myelin::services
