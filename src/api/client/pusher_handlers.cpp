// Pushers (spec client-server API "Push notifications"): GET /pushers and POST /pushers/set.
// They are registered, listed and removed here; sending notifications through them arrives
// with push delivery.
#include <boost/json/serialize.hpp>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/pusher_json.hpp"
#include "base/matrix_error.hpp"
#include "protocol/json/parse.hpp"
#include "services/email/threepid_service.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Spec limits on the identifiers.
constexpr std::size_t kMaxPushkeyBytes = 512;
constexpr std::size_t kMaxAppIdChars = 64;
constexpr std::string_view kNotifyPath = "/_matrix/push/v1/notify";

std::string required_for_kind(const bj::object& body, std::string_view key) {
  std::optional<std::string> value = optional_string(body, key);
  if (!value) {
    throw MatrixError(ErrCode::kMissingParam, "Missing parameters: " + std::string(key));
  }
  return *value;
}

// The path of an http(s) URL ("" for anything else): what follows the authority, up to a query
// or fragment.
std::string_view url_path(std::string_view url) {
  std::size_t authority = 0;
  if (url.starts_with("https://")) {
    authority = 8;
  } else if (url.starts_with("http://")) {
    authority = 7;
  } else {
    return "";
  }
  const std::size_t path = url.find('/', authority);
  if (path == std::string_view::npos || path == authority) return "";
  return url.substr(path, url.find_first_of("?#", path) - path);
}

// An http pusher's data must name the gateway's notify endpoint (as Synapse checks).
void check_http_data(const bj::object& data) {
  const bj::value* url = data.if_contains("url");
  if (!url) throw MatrixError(ErrCode::kMissingParam, "url required in data for HTTP pushers");
  if (!url->is_string()) throw MatrixError(ErrCode::kInvalidParam, "'url' must be a string");
  if (url_path(url->as_string()) != kNotifyPath) {
    throw MatrixError(ErrCode::kInvalidParam,
                      "'url' must have a path of '/_matrix/push/v1/notify'");
  }
}

bj::object pusher_json(const storage::PusherRecord& pusher) {
  bj::object json{{"pushkey", pusher.pushkey},
                  {"kind", pusher.kind},
                  {"app_id", pusher.app_id},
                  {"app_display_name", pusher.app_display_name},
                  {"device_display_name", pusher.device_display_name},
                  {"lang", pusher.lang}};
  if (pusher.profile_tag) json["profile_tag"] = *pusher.profile_tag;
  auto data = json::parse_object(pusher.data_json);
  json["data"] = data ? std::move(*data) : bj::object{};
  return json;
}

}  // namespace

bj::array pushers_json(const std::vector<storage::PusherRecord>& pushers) {
  bj::array list;
  for (const storage::PusherRecord& pusher : pushers) list.push_back(pusher_json(pusher));
  return list;
}

// GET /_matrix/client/v3/pushers — the requester's pushers.
Reply get_pushers(RequestContext& ctx) {
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id = ctx.principal.user_id] { return store.pushers.of_user(user_id); };
  std::vector<storage::PusherRecord> pushers = co_await ctx.services->ctx.db(std::move(load));
  co_return ok({{"pushers", pushers_json(pushers)}});
}

// POST /_matrix/client/v3/pushers/set — creates, replaces or (kind null) deletes a pusher.
Reply post_pushers_set(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  const std::string user_id = ctx.principal.user_id;
  std::string app_id = required_string(body, "app_id");
  std::string pushkey = required_string(body, "pushkey");
  const bj::value* kind = body.if_contains("kind");
  if (!kind) throw MatrixError(ErrCode::kMissingParam, "Missing parameters: kind");
  if (pushkey.size() > kMaxPushkeyBytes) {
    throw MatrixError(ErrCode::kInvalidParam, "pushkey is longer than 512 bytes");
  }
  if (app_id.size() > kMaxAppIdChars) {
    throw MatrixError(ErrCode::kInvalidParam, "app_id is longer than 64 characters");
  }
  storage::Store& store = services.ctx.store;
  if (kind->is_null()) {
    auto remove = [&store, user_id, app_id, pushkey] {
      store.pushers.remove(user_id, app_id, pushkey);
    };
    co_await services.ctx.db(std::move(remove));
    co_return ok();
  }
  if (!kind->is_string()) throw MatrixError(ErrCode::kBadJson, "'kind' must be a string or null");
  storage::PusherRecord pusher;
  pusher.user_id = user_id;
  pusher.kind = std::string(kind->as_string());
  pusher.app_display_name = required_for_kind(body, "app_display_name");
  pusher.device_display_name = required_for_kind(body, "device_display_name");
  pusher.lang = required_for_kind(body, "lang");
  pusher.profile_tag = optional_string(body, "profile_tag");
  std::optional<bj::object> data = optional_object(body, "data");
  if (!data) throw MatrixError(ErrCode::kMissingParam, "Missing parameters: data");
  if (pusher.kind == "http") {
    check_http_data(*data);
  } else if (pusher.kind == "email") {
    // An e-mail pusher mails one of the user's own verified addresses (as Synapse).
    pushkey = services::ThreepidService::canonical_email(pushkey);
    auto owner_of = [&store, pushkey] { return store.threepids.user_of("email", pushkey); };
    std::optional<std::string> owner = co_await services.ctx.db(std::move(owner_of));
    if (owner != user_id) throw MatrixError(ErrCode::kThreepidNotFound, "Email not found");
  } else {
    throw MatrixError(ErrCode::kInvalidParam, "Unknown pusher kind: " + pusher.kind);
  }
  pusher.app_id = std::move(app_id);
  pusher.pushkey = std::move(pushkey);
  pusher.data_json = bj::serialize(*data);
  pusher.device_id = ctx.principal.device_id;
  pusher.created_ts = services.ctx.now_ms();
  const bool append = optional_bool(body, "append").value_or(false);
  auto save = [&store, pusher, append] { store.pushers.set(pusher, append); };
  co_await services.ctx.db(std::move(save));
  co_return ok();
}

}  // namespace myelin::api
