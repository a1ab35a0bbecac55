// Reading rooms through the Synapse Admin API: the room list, a room's details, members and
// state, and the block flag (GET/PUT .../block).
#include "api/admin/admin_room_support.hpp"
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "api/client/room_access.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse's parse_boolean: absent → nullopt, "true"/"false", anything else 400.
std::optional<bool> query_flag(const http::Request& request, std::string_view key) {
  std::optional<std::string> text = query_string(request, key);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  throw MatrixError(ErrCode::kInvalidParam, "Boolean query parameter \"" + std::string(key) +
                                                "\" must be one of [\"true\", \"false\"]");
}

// GET /_synapse/admin/v1/rooms — rooms with Synapse's search, filters, order and offsets.
Reply get_rooms(http::RequestContext& ctx) {
  services::RoomListQuery query;
  query.from = query_int(ctx.request, "from").value_or(0);
  query.limit = query_int(ctx.request, "limit").value_or(100);
  query.order_by = query_string(ctx.request, "order_by").value_or("name");
  if (!services::is_room_order(query.order_by)) {
    throw MatrixError(ErrCode::kInvalidParam, "Unknown value for order_by: " + query.order_by);
  }
  query.search_term = query_string(ctx.request, "search_term");
  if (query.search_term && query.search_term->empty()) {
    throw MatrixError(ErrCode::kInvalidParam, "search_term cannot be an empty string");
  }
  query.public_rooms = query_flag(ctx.request, "public_rooms");
  query.empty_rooms = query_flag(ctx.request, "empty_rooms");
  const std::string dir = query_string(ctx.request, "dir").value_or("f");
  if (dir != "f" && dir != "b") {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter \"dir\" must be one of [\"b\", \"f\"]");
  }
  query.backwards = dir == "b";
  const std::int64_t from = query.from;
  const std::int64_t limit = query.limit;
  services::RoomListPage page = co_await ctx.services->room_admin.list_rooms(std::move(query));

  bj::array rooms;
  for (const services::RoomSummary& summary : page.rooms) rooms.push_back(summary_json(summary));
  bj::object response{{"rooms", std::move(rooms)}, {"offset", from}, {"total_rooms", page.total}};
  if (from + limit < page.total) response["next_batch"] = from + limit;
  if (from > 0) response["prev_batch"] = from > limit ? from - limit : 0;
  co_return ok(std::move(response));
}

// GET /_synapse/admin/v1/rooms/{roomId} — the list's fields and more about one room.
Reply get_room(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = ctx.request.param("roomId");
  std::optional<services::RoomSummary> summary = co_await services.room_admin.summary(room_id);
  if (!summary) throw MatrixError(ErrCode::kNotFound, "Room not found");
  services::RoomStatePtr room = co_await known_room(services, room_id);
  storage::Store& store = services.ctx.store;
  std::vector<std::string> local = room->joined_local_users;
  std::string suffix = ":" + services.ctx.server_name();
  auto load = [&store, room_id, local, suffix] {
    // Forgotten when no local user keeps the room unforgotten (Synapse's meaning).
    bool forgotten = true;
    for (const storage::MembershipRecord& m : store.events.members(room_id)) {
      const bool is_local =
          m.user_id.size() > suffix.size() &&
          m.user_id.compare(m.user_id.size() - suffix.size(), suffix.size(), suffix) == 0;
      if (is_local && !m.forgotten) forgotten = false;
    }
    return std::pair{store.room_admin.device_count(local), forgotten};
  };
  auto [devices, forgotten] = co_await services.ctx.db(std::move(load));
  bj::object response = summary_json(*summary);
  response["topic"] = summary->topic ? bj::value(*summary->topic) : bj::value(nullptr);
  response["avatar"] = summary->avatar ? bj::value(*summary->avatar) : bj::value(nullptr);
  response["joined_local_devices"] = devices;
  response["forgotten"] = forgotten;
  response["tombstoned"] = summary->tombstoned;
  response["replacement_room"] =
      summary->replacement_room ? bj::value(*summary->replacement_room) : bj::value(nullptr);
  co_return ok(std::move(response));
}

// GET /_synapse/admin/v1/rooms/{roomId}/members — the joined users.
Reply get_room_members(http::RequestContext& ctx) {
  std::string room_id = ctx.request.param("roomId");
  services::RoomStatePtr room = co_await known_room(*ctx.services, room_id);
  bj::array members;
  for (const std::string& user_id : room->joined_users()) members.emplace_back(user_id);
  const auto total = static_cast<std::int64_t>(members.size());
  co_return ok({{"members", std::move(members)}, {"total", total}});
}

// GET /_synapse/admin/v1/rooms/{roomId}/state — current state, optionally of one ?type.
Reply get_room_state(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string room_id = ctx.request.param("roomId");
  services::RoomStatePtr room = co_await known_room(services, room_id);
  std::optional<std::string> type = query_string(ctx.request, "type");
  std::vector<std::string> ids;
  for (const auto& [key, event] : *room->state) {
    if (!type || key.first == *type) ids.push_back(event->event_id());
  }
  storage::Store& store = services.ctx.store;
  auto load = [&store, ids] { return store.events.events(ids); };
  std::vector<storage::EventRecord> records = co_await services.ctx.db(std::move(load));
  bj::array state = co_await render_for(services, ctx.principal, std::move(records));
  co_return ok({{"state", std::move(state)}});
}

// GET /_synapse/admin/v1/rooms/{roomId}/block — {block, user_id?} (rooms need not be known).
Reply get_room_block(http::RequestContext& ctx) {
  std::string room_id = legal_room_id(ctx.request);
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, room_id] { return store.room_admin.blocked_by(room_id); };
  std::optional<std::string> blocker = co_await ctx.services->ctx.db(std::move(load));
  if (!blocker) co_return ok({{"block", false}});
  co_return ok({{"block", true}, {"user_id", *blocker}});
}

// PUT /_synapse/admin/v1/rooms/{roomId}/block {block} — blocks or unblocks joins to a room.
Reply put_room_block(http::RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  std::string room_id = legal_room_id(ctx.request);
  const bj::value* flag = body.if_contains("block");
  if (!flag) throw MatrixError(ErrCode::kMissingParam, "Missing params: ['block']");
  if (!flag->is_bool()) throw MatrixError(ErrCode::kBadJson, "Param 'block' must be a boolean.");
  const bool block = flag->as_bool();
  storage::Store& store = ctx.services->ctx.store;
  std::string admin = ctx.principal.user_id;
  auto write = [&store, room_id, admin, block] {
    if (block) {
      store.room_admin.block_room(room_id, admin);
    } else {
      store.room_admin.unblock_room(room_id);
    }
  };
  co_await ctx.services->ctx.db(std::move(write));
  log::info("admin", "{} {} room {}", admin, block ? "blocked" : "unblocked", room_id);
  co_return ok({{"block", block}});
}

}  // namespace

std::vector<http::Route> admin_room_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr http::RateLimitClass kNoLimit = http::RateLimitClass::kNone;
  return {
      {Method::kGet, "/_synapse/admin/v1/rooms", AuthKind::kAdmin, kNoLimit, get_rooms},
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomId}", AuthKind::kAdmin, kNoLimit, get_room},
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomId}/members", AuthKind::kAdmin, kNoLimit,
       get_room_members},
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomId}/state", AuthKind::kAdmin, kNoLimit,
       get_room_state},
      {Method::kGet, "/_synapse/admin/v1/rooms/{roomId}/block", AuthKind::kAdmin, kNoLimit,
       get_room_block},
      {Method::kPut, "/_synapse/admin/v1/rooms/{roomId}/block", AuthKind::kAdmin, kNoLimit,
       put_room_block},
  };
}

}  // namespace myelin::api
