// Account data, tags and filters (spec client-server API "Client Config", "Room Tagging",
// "Filtering"). Each is the user's own: another user's gets 403.
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/json/parse.hpp"
#include "services/filter/parse_filter.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

std::string own_user(const RequestContext& ctx, const char* action) {
  std::string user_id = user_id_param(ctx.request);
  if (user_id != ctx.principal.user_id) {
    throw MatrixError(ErrCode::kForbidden, std::string("Cannot ") + action + " for other users.");
  }
  return user_id;
}

// Spec "Client Config", server behaviour: account data types the server manages (m.fully_read:
// /read_markers; m.push_rules: /pushrules) are refused with 405 M_BAD_JSON, globally and per
// room. The one errcode whose status the spec pins to 405 here, so the reply is built directly.
std::optional<http::Response> refuse_server_managed(const std::string& type) {
  if (type != "m.fully_read" && type != "m.push_rules") return std::nullopt;
  const char* instead = type == "m.fully_read" ? "/read_markers" : "/pushrules";
  MatrixError error(ErrCode::kBadJson,
                    "Cannot set " + type + " through this API. Use " + instead + " instead.");
  return http::Response::json(405, error.to_json());
}

boost::asio::awaitable<std::optional<std::string>> load_account_data(Services& services,
                                                                     std::string user_id,
                                                                     std::string room_id,
                                                                     std::string type) {
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id, room_id, type] {
    return store.user_data.account_data(user_id, room_id, type);
  };
  std::optional<std::string> found = co_await services.ctx.db(std::move(load));
  co_return found;
}

boost::asio::awaitable<void> save_account_data(Services& services, std::string user_id,
                                               std::string room_id, std::string type,
                                               std::string content_json) {
  storage::Store& store = services.ctx.store;
  auto save = [&store, user_id, room_id, type, content_json] {
    store.user_data.put_account_data(user_id, room_id, type, content_json);
  };
  co_await services.ctx.db(std::move(save));
  // The user's other devices see it in their next (or waiting) sync.
  services.ctx.notifier.notify(user_id);
}

http::Response stored_object(const std::optional<std::string>& stored) {
  if (!stored) throw MatrixError(ErrCode::kNotFound, "Account data not found");
  auto parsed = json::parse_object(*stored);
  return ok(parsed ? std::move(*parsed) : bj::object{});
}

}  // namespace

// GET /_matrix/client/v3/user/{userId}/account_data/{type} — the user's global account data.
Reply get_account_data(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "get account data");
  std::string type = ctx.request.param("type");
  if (type == "m.push_rules") {
    // Kept by the push rules store; a user who never changed a rule has only the defaults.
    services::PushRuleSetPtr rules = co_await ctx.services->push_rules->rules(user_id);
    co_return ok(rules->to_client_json());
  }
  std::optional<std::string> stored = co_await load_account_data(*ctx.services, user_id, "", type);
  co_return stored_object(stored);
}

// PUT /_matrix/client/v3/user/{userId}/account_data/{type} — sets global account data.
Reply put_account_data(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "add account data");
  bj::object content = body_object(ctx.request);
  std::string type = ctx.request.param("type");
  if (auto refusal = refuse_server_managed(type)) co_return std::move(*refusal);
  co_await save_account_data(*ctx.services, user_id, "", type, bj::serialize(content));
  co_return ok();
}

// GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} — per-room data.
Reply get_room_account_data(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "get account data");
  std::string room_id = room_id_param(ctx.request);
  std::string type = ctx.request.param("type");
  std::optional<std::string> stored =
      co_await load_account_data(*ctx.services, user_id, room_id, type);
  co_return stored_object(stored);
}

// PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} — sets per-room data.
Reply put_room_account_data(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "add account data");
  std::string room_id = room_id_param(ctx.request);
  bj::object content = body_object(ctx.request);
  std::string type = ctx.request.param("type");
  if (auto refusal = refuse_server_managed(type)) co_return std::move(*refusal);
  co_await save_account_data(*ctx.services, user_id, room_id, type, bj::serialize(content));
  co_return ok();
}

namespace {

// The room's m.tag account data content's "tags" object ({} when none).
boost::asio::awaitable<bj::object> load_tags(Services& services, std::string user_id,
                                             std::string room_id) {
  std::optional<std::string> stored =
      co_await load_account_data(services, user_id, room_id, "m.tag");
  bj::object tags;
  if (stored) {
    if (auto parsed = json::parse_object(*stored)) {
      if (auto* found = parsed->if_contains("tags"); found && found->is_object()) {
        tags = found->as_object();
      }
    }
  }
  co_return tags;
}

}  // namespace

// GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags — the room's tags.
Reply get_tags(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "get tags");
  std::string room_id = room_id_param(ctx.request);
  bj::object tags = co_await load_tags(*ctx.services, user_id, room_id);
  co_return ok({{"tags", std::move(tags)}});
}

// PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} — adds or updates a tag.
Reply put_tag(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "add tags");
  std::string room_id = room_id_param(ctx.request);
  bj::object body = body_object(ctx.request);
  if (auto* order = body.if_contains("order"); order && !order->is_number()) {
    throw MatrixError(ErrCode::kBadJson, "'order' must be a number");
  }
  bj::object tags = co_await load_tags(*ctx.services, user_id, room_id);
  tags[ctx.request.param("tag")] = std::move(body);
  bj::object content{{"tags", std::move(tags)}};
  co_await save_account_data(*ctx.services, user_id, room_id, "m.tag", bj::serialize(content));
  co_return ok();
}

// DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} — removes a tag.
Reply delete_tag(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "remove tags");
  std::string room_id = room_id_param(ctx.request);
  bj::object tags = co_await load_tags(*ctx.services, user_id, room_id);
  tags.erase(ctx.request.param("tag"));
  bj::object content{{"tags", std::move(tags)}};
  co_await save_account_data(*ctx.services, user_id, room_id, "m.tag", bj::serialize(content));
  co_return ok();
}

// POST /_matrix/client/v3/user/{userId}/filter — stores a filter and returns its ID.
Reply post_filter(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "create filters");
  bj::object body = body_object(ctx.request);
  auto parsed = filter::parse_filter(body);
  if (!parsed) throw MatrixError(ErrCode::kBadJson, "Invalid filter: " + parsed.error());
  std::string text = bj::serialize(filter::to_json(*parsed));
  storage::Store& store = ctx.services->ctx.store;
  auto save = [&store, user_id, text] { return store.user_data.add_filter(user_id, text); };
  const std::int64_t id = co_await ctx.services->ctx.db(std::move(save));
  co_return ok({{"filter_id", std::to_string(id)}});
}

// GET /_matrix/client/v3/user/{userId}/filter/{filterId} — a stored filter.
Reply get_filter(RequestContext& ctx) {
  std::string user_id = own_user(ctx, "get filters");
  // Our filter IDs are decimal integers; anything else names no filter.
  const std::string id_text = ctx.request.param("filterId");
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (error != std::errc{} || end != id_text.data() + id_text.size()) {
    throw MatrixError(ErrCode::kNotFound, "No such filter");
  }
  storage::Store& store = ctx.services->ctx.store;
  auto load = [&store, user_id, id] { return store.user_data.filter(user_id, id); };
  std::optional<std::string> stored = co_await ctx.services->ctx.db(std::move(load));
  if (!stored) throw MatrixError(ErrCode::kNotFound, "No such filter");
  auto parsed = json::parse_object(*stored);
  co_return ok(parsed ? std::move(*parsed) : bj::object{});
}

}  // namespace myelin::api
