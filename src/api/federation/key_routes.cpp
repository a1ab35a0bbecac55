// The key API (/_matrix/key/v2/*) and /_matrix/federation/v1/version: unauthenticated, as the
// spec has them (keys are self-signed; a notary's answers carry its signature). Logic in
// services::KeyRing.
#include <boost/json/array.hpp>

#include "api/client/json_body.hpp"
#include "api/federation/federation_routes.hpp"
#include "base/matrix_error.hpp"
#include "base/myelin_version.hpp"
#include "protocol/ids/server_name.hpp"
#include "protocol/json/access.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

using Reply = boost::asio::awaitable<http::Response>;
using http::RequestContext;

// Servers named in one notary query: more is refused rather than fetched on a stranger's behalf.
constexpr std::size_t kMaxServersPerQuery = 100;

// GET /_matrix/key/v2/server — our key document, signed by us (spec keys_server.yaml). Also
// the deprecated /_matrix/key/v2/server/{keyId}, which answers the same (as Synapse does).
Reply get_server_keys(RequestContext& ctx) {
  co_return ok(ctx.services->key_ring.own_key_document());
}

// GET /_matrix/key/v2/query/{serverName}?minimum_valid_until_ts= — the server's keys, from our
// cache or fetched when missing or not valid until then (default: now), signed by us.
Reply get_query_keys(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string server = ctx.request.param("serverName");
  const std::int64_t minimum =
      query_int(ctx.request, "minimum_valid_until_ts").value_or(services.ctx.now_ms());
  std::vector<std::pair<std::string, std::int64_t>> servers;
  if (ids::ServerName::is_valid(server)) servers.emplace_back(server, minimum);
  bj::array documents = co_await services.key_ring.notary_answer(std::move(servers));
  co_return ok({{"server_keys", std::move(documents)}});
}

// The latest minimum_valid_until_ts asked for the server's keys, or now when none is given.
std::int64_t minimum_of(const bj::object& criteria, std::int64_t now_ms) {
  std::optional<std::int64_t> minimum;
  for (const auto& [key_id, criterion] : criteria) {
    (void)key_id;
    const bj::object* object = criterion.if_object();
    if (!object) throw MatrixError(ErrCode::kBadJson, "Query criteria must be objects");
    const bj::value* value = object->if_contains("minimum_valid_until_ts");
    if (!value) continue;
    auto ts = json::as_int(*value);
    if (!ts) throw MatrixError(ErrCode::kBadJson, "minimum_valid_until_ts must be an integer");
    minimum = std::max(minimum.value_or(0), *ts);
  }
  return minimum.value_or(now_ms);
}

// POST /_matrix/key/v2/query — several servers' keys at once (spec keys_query.yaml); servers
// we know nothing of and cannot reach are left out.
Reply post_query_keys(RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object(ctx.request);
  const bj::object* server_keys = json::find_object(body, "server_keys");
  if (!server_keys) throw MatrixError(ErrCode::kBadJson, "server_keys must be an object");
  if (server_keys->size() > kMaxServersPerQuery) {
    throw MatrixError(ErrCode::kLimitExceeded, "Too many servers in one query");
  }
  const std::int64_t now = services.ctx.now_ms();
  std::vector<std::pair<std::string, std::int64_t>> servers;
  for (const auto& [server, criteria] : *server_keys) {
    if (!criteria.is_object()) throw MatrixError(ErrCode::kBadJson, "Key IDs must be an object");
    const std::int64_t minimum = minimum_of(criteria.as_object(), now);
    if (ids::ServerName::is_valid(server)) servers.emplace_back(std::string(server), minimum);
  }
  bj::array documents = co_await services.key_ring.notary_answer(std::move(servers));
  co_return ok({{"server_keys", std::move(documents)}});
}

// GET /_matrix/federation/v1/version — the implementation's name and version.
Reply get_federation_version(RequestContext&) {
  co_return ok({{"server", bj::object{{"name", "myelin"}, {"version", kMyelinVersion}}}});
}

}  // namespace

std::vector<http::Route> key_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_matrix/key/v2/server", AuthKind::kNone, RateLimitClass::kNone,
       get_server_keys},
      {Method::kGet, "/_matrix/key/v2/server/{keyId}", AuthKind::kNone, RateLimitClass::kNone,
       get_server_keys},
      {Method::kGet, "/_matrix/key/v2/query/{serverName}", AuthKind::kNone, RateLimitClass::kNone,
       get_query_keys},
      {Method::kPost, "/_matrix/key/v2/query", AuthKind::kNone, RateLimitClass::kNone,
       post_query_keys},
      {Method::kGet, "/_matrix/federation/v1/version", AuthKind::kNone, RateLimitClass::kNone,
       get_federation_version},
  };
}

}  // namespace myelin::api
