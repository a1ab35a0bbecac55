// Media in the Synapse Admin API (docs/admin_api/media_admin_api.md and the user admin API's
// media section): query, delete (one, by age and size, a user's), list a user's and a room's
// media, quarantine (one, a room's, a user's) and protect. Only local media exists so far;
// remote media is unknown (404) and the remote cache purge deletes nothing.
#include <array>
#include <boost/json/array.hpp>

#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/user_id.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// Synapse refuses timestamps this small: they are in seconds, not milliseconds (year 1970).
constexpr std::int64_t kSmallestBeforeTs = 30'000'000'000;
constexpr std::int64_t kDefaultLimit = 100;

struct OrderName {
  std::string_view name;
  storage::MediaOrder order;
};
constexpr std::array<OrderName, 8> kOrders = {{
    {"media_id", storage::MediaOrder::kMediaId},
    {"upload_name", storage::MediaOrder::kUploadName},
    {"created_ts", storage::MediaOrder::kCreatedTs},
    {"last_access_ts", storage::MediaOrder::kLastAccessTs},
    {"media_length", storage::MediaOrder::kMediaLength},
    {"media_type", storage::MediaOrder::kMediaType},
    {"quarantined_by", storage::MediaOrder::kQuarantinedBy},
    {"safe_from_quarantine", storage::MediaOrder::kSafeFromQuarantine},
}};

template <typename T>
bj::value nullable(const std::optional<T>& value) {
  return value ? bj::value(*value) : bj::value(nullptr);
}

MatrixError unknown_media() { return MatrixError(ErrCode::kNotFound, "Unknown media"); }

bool is_local(http::RequestContext& ctx, const std::string& server_name) {
  return server_name == ctx.services->ctx.server_name();
}

// {userId} naming an existing local user: 400 M_UNKNOWN for another server's (Synapse's
// message), 404 M_NOT_FOUND for no such user.
asio::awaitable<std::string> local_user(http::RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  auto parsed = ids::UserId::parse(user_id, ids::UserIdGrammar::kHistorical);
  if (!parsed || parsed->server_name().to_string() != ctx.services->ctx.server_name()) {
    throw MatrixError::unknown_bad_request("Can only look up local users");
  }
  storage::Store& store = ctx.services->ctx.store;
  auto exists = [&store, user_id] { return store.accounts.user_exists(user_id); };
  const bool known = co_await ctx.services->ctx.db(std::move(exists));
  if (!known) throw MatrixError(ErrCode::kNotFound, "Unknown user");
  co_return user_id;
}

bj::object render_listed(const storage::LocalMedia& media) {
  return {{"media_id", media.media_id},
          {"media_type", nullable(media.media_type)},
          {"media_length", nullable(media.media_length)},
          {"upload_name", nullable(media.upload_name)},
          {"created_ts", media.created_ts},
          {"last_access_ts", nullable(media.last_access_ts)},
          {"quarantined_by", nullable(media.quarantined_by)},
          {"safe_from_quarantine", media.safe_from_quarantine},
          {"user_id", media.user_id},
          {"url_cache", nullptr},
          {"authenticated", false},
          {"sha256", nullable(media.sha256)}};
}

bj::object deleted(const std::vector<std::string>& ids) {
  bj::array list;
  for (const std::string& id : ids) list.emplace_back(id);
  return {{"deleted_media", std::move(list)}, {"total", ids.size()}};
}

// ?from=&limit=&order_by=&dir= as Synapse reads them for a user's media. Neither order_by nor
// dir: newest first (created_ts backwards); otherwise created_ts and forwards by default.
struct UserMediaQuery {
  std::int64_t from = 0;
  std::int64_t limit = kDefaultLimit;
  storage::MediaOrder order = storage::MediaOrder::kCreatedTs;
  bool ascending = false;
};

UserMediaQuery user_media_query(const http::Request& request) {
  UserMediaQuery query;
  query.from = query_int(request, "from").value_or(0);
  query.limit = query_int(request, "limit").value_or(kDefaultLimit);
  std::optional<std::string> order_by = query_string(request, "order_by");
  std::optional<std::string> dir = query_string(request, "dir");
  if (!order_by && !dir) return query;
  query.ascending = true;
  if (order_by) {
    auto found = std::find_if(kOrders.begin(), kOrders.end(),
                              [&](const OrderName& o) { return o.name == *order_by; });
    if (found == kOrders.end()) {
      std::string names;
      for (const OrderName& o : kOrders) names += (names.empty() ? "" : ", ") + std::string(o.name);
      throw MatrixError(ErrCode::kInvalidParam,
                        "Query parameter \"order_by\" must be one of [" + names + "]");
    }
    query.order = found->order;
  }
  if (dir) {
    if (*dir != "f" && *dir != "b") {
      throw MatrixError(ErrCode::kInvalidParam, "Query parameter \"dir\" must be one of [b, f]");
    }
    query.ascending = *dir == "f";
  }
  return query;
}

// ?before_ts= (required, in milliseconds).
std::int64_t before_ts_param(const http::Request& request) {
  std::optional<std::int64_t> before_ts = query_int(request, "before_ts");
  if (!before_ts) {
    throw MatrixError(ErrCode::kMissingParam, "Missing integer query parameter 'before_ts'");
  }
  if (*before_ts < kSmallestBeforeTs) {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter before_ts you provided is from the year 1970. Double check "
                      "that you are providing a timestamp in milliseconds.");
  }
  return *before_ts;
}

// GET /_synapse/admin/v1/media/{serverName}/{mediaId} — {media_info}; 404 M_NOT_FOUND.
Reply get_media_info(http::RequestContext& ctx) {
  std::string server_name = ctx.request.param("serverName");
  std::string media_id = ctx.request.param("mediaId");
  if (!is_local(ctx, server_name)) throw unknown_media();  // no remote media is cached yet
  std::optional<storage::LocalMedia> media = co_await ctx.services->media.info(media_id);
  if (!media) throw unknown_media();
  bj::object info = render_listed(*media);
  info["media_origin"] = nullptr;
  info["filesystem_id"] = nullptr;
  co_return ok({{"media_info", std::move(info)}});
}

// DELETE /_synapse/admin/v1/media/{serverName}/{mediaId} — {deleted_media, total}; 400 for
// another server's media, 404 M_NOT_FOUND.
Reply delete_media(http::RequestContext& ctx) {
  std::string server_name = ctx.request.param("serverName");
  std::string media_id = ctx.request.param("mediaId");
  if (!is_local(ctx, server_name)) {
    throw MatrixError::unknown_bad_request("Can only delete local media");
  }
  std::vector<std::string> ids{media_id};
  std::vector<std::string> removed = co_await ctx.services->media.remove(std::move(ids));
  if (removed.empty()) throw unknown_media();
  co_return ok(deleted(removed));
}

// POST /_synapse/admin/v1/media/delete?before_ts=&size_gt=&keep_profiles= (and the deprecated
// /media/{serverName}/delete) — deletes local media last accessed before before_ts and larger
// than size_gt bytes, neither quarantined nor protected, keeping avatars unless
// keep_profiles=false: {deleted_media, total}.
Reply post_delete_old_media(http::RequestContext& ctx) {
  const std::int64_t before_ts = before_ts_param(ctx.request);
  const std::int64_t size_gt = query_int(ctx.request, "size_gt").value_or(0);
  const bool keep_profiles = query_bool(ctx.request, "keep_profiles", true);
  if (!ctx.request.path_params.empty() && !is_local(ctx, ctx.request.param("serverName"))) {
    throw MatrixError::unknown_bad_request("Can only delete local media");
  }
  std::vector<std::string> removed =
      co_await ctx.services->media.remove_old(before_ts, size_gt, keep_profiles);
  co_return ok(deleted(removed));
}

// GET /_synapse/admin/v1/users/{userId}/media?from=&limit=&order_by=&dir= — {media, total,
// next_token (while more remain)}.
Reply get_user_media(http::RequestContext& ctx) {
  std::string user_id = co_await local_user(ctx);
  UserMediaQuery query = user_media_query(ctx.request);
  services::MediaPage page = co_await ctx.services->media.list_user_media(
      user_id, query.from, query.limit, query.order, query.ascending);
  bj::array media;
  for (const storage::LocalMedia& m : page.media) media.push_back(render_listed(m));
  bj::object body{{"media", std::move(media)}, {"total", page.total}};
  if (query.from + query.limit < page.total) {
    body["next_token"] = query.from + static_cast<std::int64_t>(page.media.size());
  }
  co_return ok(std::move(body));
}

// DELETE /_synapse/admin/v1/users/{userId}/media?from=&limit=&order_by=&dir= — deletes the
// page the same query would list (100 by default): {deleted_media, total}.
Reply delete_user_media(http::RequestContext& ctx) {
  std::string user_id = co_await local_user(ctx);
  UserMediaQuery query = user_media_query(ctx.request);
  services::MediaPage page = co_await ctx.services->media.list_user_media(
      user_id, query.from, query.limit, query.order, query.ascending);
  std::vector<std::string> ids;
  for (const storage::LocalMedia& m : page.media) ids.push_back(m.media_id);
  std::vector<std::string> removed = co_await ctx.services->media.remove(std::move(ids));
  co_return ok(deleted(removed));
}

// GET /_synapse/admin/v1/room/{roomId}/media — {local, remote}: the mxc:// URIs in the room's
// events (content.url, content.info.thumbnail_url), newest first.
Reply get_room_media(http::RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  services::RoomMedia media = co_await ctx.services->media.room_media(room_id);
  bj::array local;
  bj::array remote;
  for (const std::string& uri : media.local) local.emplace_back(uri);
  for (const std::string& uri : media.remote) remote.emplace_back(uri);
  co_return ok({{"local", std::move(local)}, {"remote", std::move(remote)}});
}

// POST /_synapse/admin/v1/media/quarantine/{serverName}/{mediaId} — {}: the media (and every
// copy of its content) is served to nobody; protected media is left alone.
Reply post_quarantine_media(http::RequestContext& ctx) {
  std::string server_name = ctx.request.param("serverName");
  std::string media_id = ctx.request.param("mediaId");
  co_await ctx.services->media.quarantine(std::move(server_name), std::move(media_id),
                                          ctx.principal.user_id);
  co_return ok();
}

// POST /_synapse/admin/v1/media/unquarantine/{serverName}/{mediaId} — {}.
Reply post_unquarantine_media(http::RequestContext& ctx) {
  std::string server_name = ctx.request.param("serverName");
  std::string media_id = ctx.request.param("mediaId");
  co_await ctx.services->media.unquarantine(std::move(server_name), std::move(media_id));
  co_return ok();
}

// POST /_synapse/admin/v1/room/{roomId}/media/quarantine (and the deprecated
// /quarantine_media/{roomId}) — {num_quarantined}.
Reply post_quarantine_room_media(http::RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  const std::int64_t count =
      co_await ctx.services->media.quarantine_room(std::move(room_id), ctx.principal.user_id);
  co_return ok({{"num_quarantined", count}});
}

// POST /_synapse/admin/v1/user/{userId}/media/quarantine — {num_quarantined}: every local
// media the user uploaded.
Reply post_quarantine_user_media(http::RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  const std::int64_t count =
      co_await ctx.services->media.quarantine_user(std::move(user_id), ctx.principal.user_id);
  co_return ok({{"num_quarantined", count}});
}

// POST /_synapse/admin/v1/media/protect/{mediaId} — {}: never quarantined from now on.
Reply post_protect_media(http::RequestContext& ctx) {
  std::string media_id = ctx.request.param("mediaId");
  co_await ctx.services->media.set_protected(std::move(media_id), true);
  co_return ok();
}

// POST /_synapse/admin/v1/media/unprotect/{mediaId} — {}.
Reply post_unprotect_media(http::RequestContext& ctx) {
  std::string media_id = ctx.request.param("mediaId");
  co_await ctx.services->media.set_protected(std::move(media_id), false);
  co_return ok();
}

// POST /_synapse/admin/v1/purge_media_cache?before_ts= — {deleted}: remote media is not cached
// yet (it arrives with federation), so nothing is ever deleted.
Reply post_purge_media_cache(http::RequestContext& ctx) {
  before_ts_param(ctx.request);
  co_return ok({{"deleted", 0}});
}

}  // namespace

std::vector<http::Route> admin_media_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr AuthKind kAdmin = AuthKind::kAdmin;
  constexpr http::RateLimitClass kNoLimit = http::RateLimitClass::kNone;
  return {
      {Method::kGet, "/_synapse/admin/v1/media/{serverName}/{mediaId}", kAdmin, kNoLimit,
       get_media_info},
      {Method::kDelete, "/_synapse/admin/v1/media/{serverName}/{mediaId}", kAdmin, kNoLimit,
       delete_media},
      {Method::kPost, "/_synapse/admin/v1/media/delete", kAdmin, kNoLimit, post_delete_old_media},
      {Method::kPost, "/_synapse/admin/v1/media/{serverName}/delete", kAdmin, kNoLimit,
       post_delete_old_media},
      {Method::kGet, "/_synapse/admin/v1/users/{userId}/media", kAdmin, kNoLimit, get_user_media},
      {Method::kDelete, "/_synapse/admin/v1/users/{userId}/media", kAdmin, kNoLimit,
       delete_user_media},
      {Method::kGet, "/_synapse/admin/v1/room/{roomId}/media", kAdmin, kNoLimit, get_room_media},
      {Method::kPost, "/_synapse/admin/v1/media/quarantine/{serverName}/{mediaId}", kAdmin,
       kNoLimit, post_quarantine_media},
      {Method::kPost, "/_synapse/admin/v1/media/unquarantine/{serverName}/{mediaId}", kAdmin,
       kNoLimit, post_unquarantine_media},
      {Method::kPost, "/_synapse/admin/v1/room/{roomId}/media/quarantine", kAdmin, kNoLimit,
       post_quarantine_room_media},
      {Method::kPost, "/_synapse/admin/v1/quarantine_media/{roomId}", kAdmin, kNoLimit,
       post_quarantine_room_media},
      {Method::kPost, "/_synapse/admin/v1/user/{userId}/media/quarantine", kAdmin, kNoLimit,
       post_quarantine_user_media},
      {Method::kPost, "/_synapse/admin/v1/media/protect/{mediaId}", kAdmin, kNoLimit,
       post_protect_media},
      {Method::kPost, "/_synapse/admin/v1/media/unprotect/{mediaId}", kAdmin, kNoLimit,
       post_unprotect_media},
      {Method::kPost, "/_synapse/admin/v1/purge_media_cache", kAdmin, kNoLimit,
       post_purge_media_cache},
  };
}

}  // namespace myelin::api
