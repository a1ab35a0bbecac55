// The content repository's client endpoints (spec client-server API, "Content repository").
// Local media only: remote media (fetched over federation) answers 404 until federation
// arrives, and thumbnails come with a later issue.
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "api/client/json_body.hpp"
#include "api/media/media_headers.hpp"
#include "api/media/media_routes.hpp"
#include "base/matrix_error.hpp"
#include "services/media/mxc_uri.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace asio = boost::asio;
using Reply = asio::awaitable<http::Response>;

namespace {

// Spec: timeout_ms defaults to 20 s and the server SHOULD cap it; Synapse caps it at 60 s.
constexpr std::int64_t kDefaultTimeoutMs = 20'000;
constexpr std::int64_t kMaxTimeoutMs = 60'000;
// How often a download waiting for an upload to a created ID looks again.
constexpr auto kUploadPoll = std::chrono::milliseconds(250);

std::string media_type_of(const http::Request& request) {
  auto type = request.headers.get("Content-Type");
  return type && !type->empty() ? std::string(*type) : "application/octet-stream";
}

// ?filename=: the name to store; empty means none (as Synapse).
std::optional<std::string> upload_name_of(const http::Request& request) {
  std::optional<std::string> name = query_string(request, "filename");
  if (name && name->empty()) return std::nullopt;
  return name;
}

std::string mxc(const std::string& server_name, const std::string& media_id) {
  return services::MxcUri{server_name, media_id}.to_string();
}

// POST /_matrix/media/(r0|v3|v1)/upload?filename= — stores the body as new media:
// {content_uri}; 413 M_TOO_LARGE above max_upload_size.
Reply post_upload(http::RequestContext& ctx) {
  std::string media_type = media_type_of(ctx.request);
  std::optional<std::string> name = upload_name_of(ctx.request);
  std::string media_id = co_await ctx.services->media.upload(
      ctx.principal.user_id, std::move(media_type), std::move(name), std::move(ctx.request.body));
  co_return ok({{"content_uri", mxc(ctx.services->ctx.server_name(), media_id)}});
}

// POST /_matrix/media/v1/create — an mxc:// URI to upload to later:
// {content_uri, unused_expires_at}; 429 M_LIMIT_EXCEEDED with too many unused ones.
Reply post_create(http::RequestContext& ctx) {
  services::CreatedMedia created = co_await ctx.services->media.create(ctx.principal.user_id);
  co_return ok({{"content_uri", mxc(ctx.services->ctx.server_name(), created.media_id)},
                {"unused_expires_at", created.unused_expires_at}});
}

// PUT /_matrix/media/v3/upload/{serverName}/{mediaId}?filename= — the content of a created ID:
// {}; 404 M_NOT_FOUND, 403 M_FORBIDDEN, 409 M_CANNOT_OVERWRITE_MEDIA, 413 M_TOO_LARGE.
Reply put_upload(http::RequestContext& ctx) {
  if (ctx.request.param("serverName") != ctx.services->ctx.server_name()) {
    throw MatrixError(ErrCode::kNotFound, "Non-local server name specified");
  }
  std::string media_id = ctx.request.param("mediaId");
  std::string media_type = media_type_of(ctx.request);
  std::optional<std::string> name = upload_name_of(ctx.request);
  co_await ctx.services->media.upload_to(ctx.principal.user_id, std::move(media_id),
                                         std::move(media_type), std::move(name),
                                         std::move(ctx.request.body));
  co_return ok();
}

// GET /_matrix/client/v1/media/download/{serverName}/{mediaId}[/{fileName}] (and the legacy
// unauthenticated /_matrix/media/(r0|v3)/download/...) — the bytes, with the type they were
// uploaded with and a Content-Disposition naming fileName (else the upload's name). Waits up to
// timeout_ms for a created ID's upload; 404 M_NOT_FOUND for unknown, quarantined and remote
// media, 504 M_NOT_YET_UPLOADED when the wait ends first.
Reply get_download(http::RequestContext& ctx) {
  std::string server_name = ctx.request.param("serverName");
  std::string media_id = ctx.request.param("mediaId");
  std::optional<std::string> file_name;
  if (ctx.request.path_params.size() > 2) file_name = ctx.request.param("fileName");
  const std::int64_t timeout_ms =
      std::min(query_int(ctx.request, "timeout_ms").value_or(kDefaultTimeoutMs), kMaxTimeoutMs);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);

  std::optional<services::MediaDownload> media;
  while (!media) {
    try {
      media = co_await ctx.services->media.download(server_name, media_id);
    } catch (const MatrixError& e) {
      if (e.code() != ErrCode::kNotYetUploaded || std::chrono::steady_clock::now() >= deadline) {
        throw;
      }
    }
    if (media) break;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(kUploadPoll);
    co_await timer.async_wait(asio::use_awaitable);
  }

  http::Response response;
  response.status = 200;
  const std::optional<std::string>& name =
      file_name && !file_name->empty() ? file_name : media->info.upload_name;
  add_media_headers(response.headers, media->info.media_type.value_or(""), name);
  response.body = std::move(media->bytes);
  co_return response;
}

// GET /_matrix/client/v1/media/config (and /_matrix/media/(r0|v3)/config) — {m.upload.size}.
Reply get_media_config(http::RequestContext& ctx) {
  const std::uint64_t size = ctx.services->ctx.config.media.max_upload_size;
  co_return ok({{"m.upload.size", size}});
}

}  // namespace

std::vector<http::Route> media_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  constexpr AuthKind kNone = AuthKind::kNone;
  constexpr AuthKind kUser = AuthKind::kUser;
  constexpr RateLimitClass kDefault = RateLimitClass::kDefault;
  // Uploads and /create stay under /_matrix/media (spec v1.11: they move later).
  return {
      {Method::kPost, "/_matrix/media/(r0|v3|v1)/upload", kUser, kDefault, post_upload},
      {Method::kPost, "/_matrix/media/v1/create", kUser, RateLimitClass::kMediaCreate, post_create},
      {Method::kPut, "/_matrix/media/(r0|v3)/upload/{serverName}/{mediaId}", kUser, kDefault,
       put_upload},
      {Method::kGet, "/_matrix/client/v1/media/download/{serverName}/{mediaId}", kUser, kDefault,
       get_download},
      {Method::kGet, "/_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}", kUser,
       kDefault, get_download},
      {Method::kGet, "/_matrix/media/(r0|v3)/download/{serverName}/{mediaId}", kNone, kDefault,
       get_download},
      {Method::kGet, "/_matrix/media/(r0|v3)/download/{serverName}/{mediaId}/{fileName}", kNone,
       kDefault, get_download},
      {Method::kGet, "/_matrix/client/v1/media/config", kUser, kDefault, get_media_config},
      {Method::kGet, "/_matrix/media/(r0|v3)/config", kUser, kDefault, get_media_config},
  };
}

}  // namespace myelin::api
