// Synapse Admin API "Federation": the servers we federate with and their back-off
// (GET v1/federation/destinations[/{destination}[/rooms]]) and a way to retry one at once
// (POST .../reset_connection). The sender keeps the state (services/federation/sender).
#include <boost/json/array.hpp>

#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

struct Page {
  std::int64_t from = 0;
  std::int64_t limit = 100;
  bool ascending = true;
};

// from, limit (non-negative integers) and dir (f or b), as Synapse parses them.
Page page_of(const http::Request& request) {
  Page page;
  for (const char* key : {"from", "limit"}) {
    auto text = query_string(request, key);
    if (text && !text->empty() && (*text)[0] == '-') {
      throw MatrixError(ErrCode::kInvalidParam,
                        std::string("Query parameter ") + key + " must be a positive integer.");
    }
  }
  page.from = query_int(request, "from").value_or(0);
  page.limit = query_int(request, "limit").value_or(100);
  const std::string dir = query_string(request, "dir").value_or("f");
  if (dir != "f" && dir != "b") {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter \"dir\" must be one of [\"b\", \"f\"]");
  }
  page.ascending = dir == "f";
  return page;
}

storage::DestinationOrder order_of(const http::Request& request) {
  const std::string order = query_string(request, "order_by").value_or("destination");
  if (order == "destination") return storage::DestinationOrder::kDestination;
  if (order == "retry_last_ts") return storage::DestinationOrder::kRetryLastTs;
  if (order == "retry_interval") return storage::DestinationOrder::kRetryInterval;
  if (order == "failure_ts") return storage::DestinationOrder::kFailureTs;
  if (order == "last_successful_stream_ordering") {
    return storage::DestinationOrder::kLastSuccessfulStreamOrdering;
  }
  throw MatrixError(ErrCode::kInvalidParam,
                    "Query parameter \"order_by\" must be one of [\"destination\", "
                    "\"retry_last_ts\", \"retry_interval\", \"failure_ts\", "
                    "\"last_successful_stream_ordering\"]");
}

bj::value nullable(const std::optional<std::int64_t>& value) {
  return value ? bj::value(*value) : bj::value(nullptr);
}

bj::object render(const storage::DestinationRecord& d) {
  return {{"destination", d.destination},
          {"retry_last_ts", d.retry_last_ts},
          {"retry_interval", d.retry_interval},
          {"failure_ts", nullable(d.failure_ts)},
          {"last_successful_stream_ordering", nullable(d.last_successful_stream_ordering)}};
}

// The destination the path names; 404 M_NOT_FOUND when we never queued anything for it.
boost::asio::awaitable<storage::DestinationRecord> known_destination(Services& services,
                                                                     std::string destination) {
  storage::Store& store = services.ctx.store;
  auto load = [&store, destination] { return store.federation_sender.destination(destination); };
  std::optional<storage::DestinationRecord> found = co_await services.ctx.db(std::move(load));
  if (!found) throw MatrixError(ErrCode::kNotFound, "Unknown destination");
  co_return *found;
}

// GET /_synapse/admin/v1/federation/destinations — {destinations, total, next_token?}; from,
// limit, order_by, dir, and destination (a case-insensitive part of the name).
Reply get_destinations(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const Page page = page_of(ctx.request);
  const storage::DestinationOrder order = order_of(ctx.request);
  const std::string filter = query_string(ctx.request, "destination").value_or("");
  storage::Store& store = services.ctx.store;
  auto load = [&store, page, order, filter] {
    auto& sender = store.federation_sender;
    return std::pair{sender.list_destinations(filter, order, page.ascending, page.from, page.limit),
                     sender.count_destinations(filter)};
  };
  auto [records, total] = co_await services.ctx.db(std::move(load));
  bj::array destinations;
  for (const storage::DestinationRecord& record : records) destinations.push_back(render(record));
  const auto shown = static_cast<std::int64_t>(destinations.size());
  bj::object body{{"destinations", std::move(destinations)}, {"total", total}};
  if (page.from + shown < total) body["next_token"] = std::to_string(page.from + shown);
  co_return ok(std::move(body));
}

// GET /_synapse/admin/v1/federation/destinations/{destination} — one server's retry state.
Reply get_destination(http::RequestContext& ctx) {
  storage::DestinationRecord record =
      co_await known_destination(*ctx.services, ctx.request.param("destination"));
  co_return ok(render(record));
}

// GET /_synapse/admin/v1/federation/destinations/{destination}/rooms — {rooms: [{room_id,
// stream_ordering}], total, next_token?}, ordered by room ID; from, limit, dir.
Reply get_destination_rooms(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const Page page = page_of(ctx.request);
  std::string destination = ctx.request.param("destination");
  co_await known_destination(services, destination);
  storage::Store& store = services.ctx.store;
  auto load = [&store, page, destination] {
    auto& sender = store.federation_sender;
    return std::pair{sender.destination_rooms(destination, page.ascending, page.from, page.limit),
                     sender.count_destination_rooms(destination)};
  };
  auto [rooms, total] = co_await services.ctx.db(std::move(load));
  bj::array rendered;
  for (const storage::DestinationRoom& room : rooms) {
    rendered.push_back(
        bj::object{{"room_id", room.room_id}, {"stream_ordering", room.stream_ordering}});
  }
  const auto shown = static_cast<std::int64_t>(rendered.size());
  bj::object body{{"rooms", std::move(rendered)}, {"total", total}};
  if (page.from + shown < total) body["next_token"] = std::to_string(page.from + shown);
  co_return ok(std::move(body));
}

// POST /_synapse/admin/v1/federation/destinations/{destination}/reset_connection — clears the
// server's back-off and sends its queue now.
Reply post_reset_connection(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string destination = ctx.request.param("destination");
  const bool known = co_await services.federation_sender.reset_connection(destination);
  if (!known) throw MatrixError(ErrCode::kNotFound, "Unknown destination");
  log::info("admin", "{} reset the federation back-off of {}", ctx.principal.user_id, destination);
  co_return ok();
}

}  // namespace

std::vector<http::Route> admin_federation_destination_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  constexpr std::string_view kBase = "/_synapse/admin/v1/federation/destinations";
  constexpr std::string_view kOne = "/_synapse/admin/v1/federation/destinations/{destination}";
  constexpr std::string_view kRooms =
      "/_synapse/admin/v1/federation/destinations/{destination}/rooms";
  constexpr std::string_view kReset =
      "/_synapse/admin/v1/federation/destinations/{destination}/reset_connection";
  return {
      {Method::kGet, kBase, AuthKind::kAdmin, RateLimitClass::kNone, get_destinations},
      {Method::kGet, kOne, AuthKind::kAdmin, RateLimitClass::kNone, get_destination},
      {Method::kGet, kRooms, AuthKind::kAdmin, RateLimitClass::kNone, get_destination_rooms},
      {Method::kPost, kReset, AuthKind::kAdmin, RateLimitClass::kNone, post_reset_connection},
  };
}

}  // namespace myelin::api
