// The read endpoints of the server-server API: what another server (the X-Matrix origin,
// ctx.principal.server_name) may fetch from this one. Logic in services::FederationReads.
#include <boost/json/array.hpp>

#include "api/client/json_body.hpp"
#include "api/federation/federation_routes.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

using Reply = boost::asio::awaitable<http::Response>;
using http::RequestContext;

bj::array to_array(std::vector<bj::object> objects) {
  bj::array array;
  array.reserve(objects.size());
  for (bj::object& object : objects) array.emplace_back(std::move(object));
  return array;
}

bj::array to_array(const std::vector<std::string>& strings) {
  bj::array array;
  array.reserve(strings.size());
  for (const std::string& text : strings) array.emplace_back(text);
  return array;
}

// A transaction as /event and /backfill answer (spec "Transactions"): our name, our clock.
http::Response transaction(Services& services, std::vector<bj::object> pdus) {
  return ok({{"origin", services.ctx.server_name()},
             {"origin_server_ts", services.ctx.now_ms()},
             {"pdus", to_array(std::move(pdus))}});
}

std::string required_query(const RequestContext& ctx, std::string_view key) {
  std::optional<std::string> value = query_string(ctx.request, key);
  if (!value) {
    throw MatrixError(ErrCode::kMissingParam, "Missing query parameter '" + std::string(key) + "'");
  }
  return std::move(*value);
}

// GET /_matrix/federation/v1/event/{eventId} — one PDU in a transaction; 404 when unknown,
// 403 when the origin has no user in its room, redacted when the origin may not see it.
Reply get_event(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string event_id = ctx.request.param("eventId");
  bj::object pdu = co_await services.federation_reads.event(origin, event_id);
  std::vector<bj::object> pdus;
  pdus.push_back(std::move(pdu));
  co_return transaction(services, std::move(pdus));
}

// GET /_matrix/federation/v1/state/{roomId}?event_id= — the state before the event and its
// auth chain, as PDUs.
Reply get_state(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string room_id = room_id_param(ctx.request);
  const std::string event_id = required_query(ctx, "event_id");
  services::RoomStateAtEvent state =
      co_await services.federation_reads.state(origin, room_id, event_id);
  co_return ok({{"pdus", to_array(std::move(state.pdus))},
                {"auth_chain", to_array(std::move(state.auth_chain))}});
}

// GET /_matrix/federation/v1/state_ids/{roomId}?event_id= — the same, as event IDs.
Reply get_state_ids(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string room_id = room_id_param(ctx.request);
  const std::string event_id = required_query(ctx, "event_id");
  services::RoomStateIdsAtEvent state =
      co_await services.federation_reads.state_ids(origin, room_id, event_id);
  co_return ok(
      {{"pdu_ids", to_array(state.pdu_ids)}, {"auth_chain_ids", to_array(state.auth_chain_ids)}});
}

// GET /_matrix/federation/v1/event_auth/{roomId}/{eventId} — the event's full auth chain.
Reply get_event_auth(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string room_id = room_id_param(ctx.request);
  const std::string event_id = ctx.request.param("eventId");
  std::vector<bj::object> chain =
      co_await services.federation_reads.event_auth(origin, room_id, event_id);
  co_return ok({{"auth_chain", to_array(std::move(chain))}});
}

// GET /_matrix/federation/v1/backfill/{roomId}?v=…&limit= — the events named by `v` (repeated)
// and their ancestors, newest first, at most `limit` (capped at 100), in a transaction.
Reply get_backfill(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string room_id = room_id_param(ctx.request);
  std::vector<std::string> from;
  for (std::string_view id : ctx.request.query.get_all("v")) from.emplace_back(id);
  if (from.empty()) throw MatrixError(ErrCode::kMissingParam, "Missing query parameter 'v'");
  const std::optional<std::int64_t> limit = query_int(ctx.request, "limit");
  if (!limit) throw MatrixError(ErrCode::kMissingParam, "Missing query parameter 'limit'");
  std::vector<bj::object> pdus =
      co_await services.federation_reads.backfill(origin, room_id, std::move(from), *limit);
  co_return transaction(services, std::move(pdus));
}

// POST /_matrix/federation/v1/get_missing_events/{roomId} — prev_events walked back from
// latest_events to earliest_events: {events}.
Reply post_get_missing_events(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string room_id = room_id_param(ctx.request);
  const bj::object body = body_object(ctx.request);
  services::MissingEventsRequest request;
  auto earliest = optional_string_list(body, "earliest_events");
  auto latest = optional_string_list(body, "latest_events");
  if (!earliest || !latest) {
    throw MatrixError(ErrCode::kMissingParam, "earliest_events and latest_events are required");
  }
  request.earliest_events = std::move(*earliest);
  request.latest_events = std::move(*latest);
  request.limit =
      optional_int(body, "limit").value_or(services::FederationReads::kDefaultMissingEvents);
  request.min_depth = optional_int(body, "min_depth").value_or(0);
  std::vector<bj::object> events =
      co_await services.federation_reads.missing_events(origin, room_id, std::move(request));
  co_return ok({{"events", to_array(std::move(events))}});
}

// GET /_matrix/federation/v1/query/profile?user_id=&field= — a local user's profile.
Reply get_query_profile(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string user_id = required_query(ctx, "user_id");
  std::optional<std::string> field = query_string(ctx.request, "field");
  bj::object profile =
      co_await services.federation_reads.profile(std::move(user_id), std::move(field));
  co_return ok(std::move(profile));
}

// GET /_matrix/federation/v1/query/directory?room_alias= — a local alias: {room_id, servers}.
Reply get_query_directory(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string alias = required_query(ctx, "room_alias");
  services::RoomAliasAnswer answer = co_await services.federation_reads.directory(std::move(alias));
  co_return ok({{"room_id", answer.room_id}, {"servers", to_array(answer.servers)}});
}

Reply public_rooms(Services& services, services::FederationPublicRoomsQuery query) {
  services::PublicRoomsPage page =
      co_await services.federation_reads.public_rooms(std::move(query));
  bj::array chunk;
  for (services::PublicRoomEntry& entry : page.chunk) chunk.emplace_back(std::move(entry.json));
  bj::object body{{"chunk", std::move(chunk)},
                  {"total_room_count_estimate", page.total_room_count_estimate}};
  if (page.next_batch) body["next_batch"] = *page.next_batch;
  if (page.prev_batch) body["prev_batch"] = *page.prev_batch;
  co_return ok(std::move(body));
}

// include_all_networks with a third_party_instance_id is a contradiction (Synapse: 400).
bool only_third_party(bool all_networks, const std::optional<std::string>& network) {
  if (all_networks && network) {
    throw MatrixError::unknown_bad_request(
        "Can't use include_all_networks with an explicit network");
  }
  return network.has_value();
}

// filter.room_types: strings, and null for rooms without a type.
std::optional<std::vector<std::optional<std::string>>> room_types(const bj::object& filter) {
  const bj::value* list = filter.if_contains("room_types");
  if (!list || list->is_null()) return std::nullopt;
  if (!list->is_array()) throw MatrixError(ErrCode::kBadJson, "'room_types' must be a list");
  std::vector<std::optional<std::string>> types;
  for (const bj::value& item : list->as_array()) {
    if (item.is_null()) {
      types.emplace_back(std::nullopt);
    } else if (item.is_string()) {
      types.emplace_back(std::string(item.as_string()));
    } else {
      throw MatrixError(ErrCode::kBadJson, "'room_types' entries must be strings or null");
    }
  }
  return types;
}

// GET /_matrix/federation/v1/publicRooms — a page of our published room directory.
Reply get_public_rooms(RequestContext& ctx) {
  services::FederationPublicRoomsQuery query;
  query.limit = query_int(ctx.request, "limit");
  query.since = query_string(ctx.request, "since");
  const bool all_networks = query_bool(ctx.request, "include_all_networks", false);
  query.only_third_party_network =
      only_third_party(all_networks, query_string(ctx.request, "third_party_instance_id"));
  co_return co_await public_rooms(*ctx.services, std::move(query));
}

// POST /_matrix/federation/v1/publicRooms — the same, with a search filter.
Reply post_public_rooms(RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  services::FederationPublicRoomsQuery query;
  query.limit = optional_int(body, "limit");
  if (query.limit && *query.limit < 0) {
    throw MatrixError(ErrCode::kInvalidParam, "'limit' must not be negative");
  }
  query.since = optional_string(body, "since");
  if (auto filter = optional_object(body, "filter")) {
    query.filter.generic_search_term = optional_string(*filter, "generic_search_term");
    query.filter.room_types = room_types(*filter);
  }
  const bool all_networks = optional_bool(body, "include_all_networks").value_or(false);
  query.only_third_party_network =
      only_third_party(all_networks, optional_string(body, "third_party_instance_id"));
  co_return co_await public_rooms(*ctx.services, std::move(query));
}

// GET /_matrix/federation/v1/user/devices/{userId} — a local user's devices.
Reply get_user_devices(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string user_id = user_id_param(ctx.request);
  bj::object devices = co_await services.federation_reads.user_devices(std::move(user_id));
  co_return ok(std::move(devices));
}

bj::object required_object(const bj::object& body, std::string_view key) {
  std::optional<bj::object> value = optional_object(body, key);
  if (!value) throw MatrixError(ErrCode::kMissingParam, "Missing '" + std::string(key) + "'");
  return std::move(*value);
}

// POST /_matrix/federation/v1/user/keys/query — device keys of our users.
Reply post_user_keys_query(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object wanted = required_object(body_object(ctx.request), "device_keys");
  bj::object keys = co_await services.federation_reads.query_keys(std::move(wanted));
  co_return ok(std::move(keys));
}

// POST /_matrix/federation/v1/user/keys/claim — one-time keys of our users' devices.
Reply post_user_keys_claim(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object wanted = required_object(body_object(ctx.request), "one_time_keys");
  bj::object keys = co_await services.federation_reads.claim_keys(std::move(wanted));
  co_return ok(std::move(keys));
}

// GET /_matrix/federation/v1/hierarchy/{roomId}?suggested_only= — the space and its children.
Reply get_hierarchy(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string origin = ctx.principal.server_name;
  const std::string room_id = room_id_param(ctx.request);
  const bool suggested_only = query_bool(ctx.request, "suggested_only", false);
  bj::object hierarchy =
      co_await services.federation_reads.hierarchy(origin, room_id, suggested_only);
  co_return ok(std::move(hierarchy));
}

}  // namespace

std::vector<http::Route> read_routes() {
  using http::Method;
  constexpr http::AuthKind kSigned = http::AuthKind::kServerSigned;
  constexpr http::RateLimitClass kFederation = http::RateLimitClass::kFederation;
  return {
      {Method::kGet, "/_matrix/federation/v1/event/{eventId}", kSigned, kFederation, get_event},
      {Method::kGet, "/_matrix/federation/v1/state/{roomId}", kSigned, kFederation, get_state},
      {Method::kGet, "/_matrix/federation/v1/state_ids/{roomId}", kSigned, kFederation,
       get_state_ids},
      {Method::kGet, "/_matrix/federation/v1/event_auth/{roomId}/{eventId}", kSigned, kFederation,
       get_event_auth},
      {Method::kGet, "/_matrix/federation/v1/backfill/{roomId}", kSigned, kFederation,
       get_backfill},
      {Method::kPost, "/_matrix/federation/v1/get_missing_events/{roomId}", kSigned, kFederation,
       post_get_missing_events},
      {Method::kGet, "/_matrix/federation/v1/query/profile", kSigned, kFederation,
       get_query_profile},
      {Method::kGet, "/_matrix/federation/v1/query/directory", kSigned, kFederation,
       get_query_directory},
      {Method::kGet, "/_matrix/federation/v1/publicRooms", kSigned, kFederation, get_public_rooms},
      {Method::kPost, "/_matrix/federation/v1/publicRooms", kSigned, kFederation,
       post_public_rooms},
      {Method::kGet, "/_matrix/federation/v1/user/devices/{userId}", kSigned, kFederation,
       get_user_devices},
      {Method::kPost, "/_matrix/federation/v1/user/keys/query", kSigned, kFederation,
       post_user_keys_query},
      {Method::kPost, "/_matrix/federation/v1/user/keys/claim", kSigned, kFederation,
       post_user_keys_claim},
      {Method::kGet, "/_matrix/federation/v1/hierarchy/{roomId}", kSigned, kFederation,
       get_hierarchy},
  };
}

}  // namespace myelin::api
