// Room aliases and the published room directory (spec client-server API "Room aliases",
// "Listing rooms"). Where the spec leaves room, myelin answers as Synapse does.
#include <algorithm>
#include <set>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/room_alias.hpp"
#include "protocol/ids/room_id.hpp"
#include "protocol/ids/user_id.hpp"
#include "services/rooms/public_rooms.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// The {roomAlias} path parameter; 400 M_INVALID_PARAM when it is not an alias.
ids::RoomAlias alias_param(const http::Request& request) {
  const std::string text = request.param("roomAlias");
  auto alias = ids::RoomAlias::parse(text);
  if (!alias || text.empty() || text[0] != '#') {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid room alias: " + text);
  }
  return std::move(*alias);
}

// Aliases are created and deleted only on the server they name (spec: "Servers may choose to
// implement additional access control checks"; Synapse: "Room alias must be local").
ids::RoomAlias local_alias_param(const http::Request& request, const std::string& server_name) {
  ids::RoomAlias alias = alias_param(request);
  if (alias.server_name().to_string() != server_name) {
    throw MatrixError(ErrCode::kInvalidParam, "Room alias must be local");
  }
  return alias;
}

boost::asio::awaitable<bool> is_server_admin(Services& services, std::string user_id) {
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] {
    auto user = store.accounts.user(user_id);
    return user && user->is_admin;
  };
  co_return co_await services.ctx.db(std::move(load));
}

// After an alias is deleted, the room's m.room.canonical_alias should not keep advertising it
// (Synapse does the same). Sent as the deleting user; when their power level does not allow
// it, the canonical alias stays, as in Synapse.
boost::asio::awaitable<void> drop_from_canonical_alias(Services& services,
                                                       services::RoomStatePtr room,
                                                       std::string alias, std::string user_id) {
  const events::Pdu* canonical = room->find("m.room.canonical_alias", "");
  if (!canonical) co_return;
  bj::object content = canonical->content();
  bool changed = false;
  if (const bj::value* main = content.if_contains("alias");
      main && main->is_string() && main->as_string() == alias) {
    content.erase("alias");
    changed = true;
  }
  if (bj::value* alt = content.if_contains("alt_aliases"); alt && alt->is_array()) {
    bj::array& list = alt->as_array();
    const std::size_t before = list.size();
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&alias](const bj::value& v) {
                                return v.is_string() && v.as_string() == alias;
                              }),
               list.end());
    changed = changed || list.size() != before;
  }
  if (!changed) co_return;
  services::EventDraft draft;
  draft.sender = user_id;
  draft.type = "m.room.canonical_alias";
  draft.state_key = "";
  draft.content = std::move(content);
  services::SendOptions no_transaction;
  std::string room_id = room->room_id;
  try {
    co_await services.rooms.send_event(std::move(room_id), std::move(draft),
                                       std::move(no_transaction));
  } catch (const MatrixError&) {
    // Not allowed to change the canonical alias: the alias is gone all the same.
  }
}

}  // namespace

// GET /_matrix/client/v3/directory/room/{roomAlias} — the room an alias names, and servers in it.
Reply get_room_alias(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string alias = alias_param(ctx.request).to_string();
  if (alias_param(ctx.request).server_name().to_string() != services.ctx.server_name()) {
    // Another server's alias: its directory answers (server-server API /query/directory).
    services::FederatedMembership::AliasTarget target =
        co_await services.membership_federation.ours.resolve_alias(alias);
    bj::array remote_servers;
    for (const std::string& server : target.servers) remote_servers.emplace_back(server);
    co_return ok({{"room_id", target.room_id}, {"servers", std::move(remote_servers)}});
  }
  storage::Store& store = services.ctx.store;
  auto lookup = [&store, alias] { return store.rooms.alias(alias); };
  std::optional<storage::AliasRecord> record = co_await services.ctx.db(std::move(lookup));
  if (!record) throw MatrixError(ErrCode::kNotFound, "Room alias " + alias + " not found");

  // This server first, then the servers of the room's other joined members (as Synapse lists).
  const std::string& ours = services.ctx.server_name();
  bj::array servers{bj::value(ours)};
  std::string room_id = record->room_id;
  services::RoomStatePtr room = co_await services.rooms.room(std::move(room_id));
  if (room) {
    std::set<std::string> others;
    for (const std::string& user : room->joined_users()) {
      auto id = ids::UserId::parse(user, ids::UserIdGrammar::kHistorical);
      if (id && id->server_name().to_string() != ours) others.insert(id->server_name().to_string());
    }
    for (const std::string& server : others) servers.emplace_back(server);
  }
  co_return ok({{"room_id", record->room_id}, {"servers", std::move(servers)}});
}

// PUT /_matrix/client/v3/directory/room/{roomAlias} — maps a local alias to a room the user is in.
Reply put_room_alias(RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object(ctx.request);
  const std::string alias = local_alias_param(ctx.request, services.ctx.server_name()).to_string();
  const std::string room_id = required_string(body, "room_id");
  if (!ids::RoomId::parse(room_id)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid room ID: " + room_id);
  }
  const std::string user_id = ctx.principal.user_id;
  storage::Store& store = services.ctx.store;
  // A taken alias is 409 whoever asks (the spec's answer; GET tells anyone it exists anyway).
  auto exists = [&store, alias] { return store.rooms.alias(alias).has_value(); };
  const bool taken = co_await services.ctx.db(std::move(exists));
  if (taken) throw MatrixError::unknown_conflict("Room alias " + alias + " already exists");
  services::RoomStatePtr room = co_await services.rooms.room(room_id);
  if (!room) throw MatrixError(ErrCode::kNotFound, "Room not found");
  bool may_map = room->membership_of(user_id) == "join";
  if (!may_map) may_map = co_await is_server_admin(services, user_id);
  if (!may_map) {
    throw MatrixError(ErrCode::kForbidden, "User " + user_id + " not in room " + room_id);
  }
  auto create = [&store, alias, room_id, user_id] {
    return store.rooms.create_alias({alias, room_id, user_id});
  };
  const bool created = co_await services.ctx.db(std::move(create));
  if (!created) {
    // 409 M_UNKNOWN: the spec's answer for an alias that already exists.
    throw MatrixError::unknown_conflict("Room alias " + alias + " already exists");
  }
  co_return ok();
}

// DELETE /_matrix/client/v3/directory/room/{roomAlias} — by its creator, a room moderator (may
// send m.room.canonical_alias) or a server admin; also drops it from the canonical alias event.
Reply delete_room_alias(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string alias = local_alias_param(ctx.request, services.ctx.server_name()).to_string();
  const std::string user_id = ctx.principal.user_id;
  storage::Store& store = services.ctx.store;
  auto lookup = [&store, alias] { return store.rooms.alias(alias); };
  std::optional<storage::AliasRecord> record = co_await services.ctx.db(std::move(lookup));
  if (!record) throw MatrixError(ErrCode::kNotFound, "Room alias " + alias + " not found");

  services::RoomStatePtr room = co_await services.rooms.room(record->room_id);
  bool allowed =
      record->creator == user_id || (room && services::may_edit_room_directory(*room, user_id));
  if (!allowed) allowed = co_await is_server_admin(services, user_id);
  if (!allowed) {
    throw MatrixError(ErrCode::kForbidden, "You don't have permission to delete the alias.");
  }
  auto remove = [&store, alias] { return store.rooms.delete_alias(alias); };
  const bool removed = co_await services.ctx.db(std::move(remove));
  if (!removed) {
    throw MatrixError(ErrCode::kNotFound, "Room alias " + alias + " not found");
  }
  if (room) co_await drop_from_canonical_alias(services, room, alias, user_id);
  co_return ok();
}

// GET /_matrix/client/v3/rooms/{roomId}/aliases — the room's local aliases, for members (or
// anyone when the room is world readable).
Reply get_room_aliases(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string room_id = room_id_param(ctx.request);
  const std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await services.rooms.room(room_id);
  bool allowed = false;
  if (room) {
    const events::Pdu* visibility = room->find("m.room.history_visibility", "");
    const bj::value* setting =
        visibility ? visibility->content().if_contains("history_visibility") : nullptr;
    allowed = room->membership_of(user_id) == "join" ||
              (setting && setting->is_string() && setting->as_string() == "world_readable");
  }
  // An unknown room answers 403 like a room the user is not in (as Synapse does).
  if (!allowed) throw MatrixError(ErrCode::kForbidden, "User " + user_id + " not in room");
  storage::Store& store = services.ctx.store;
  auto load = [&store, room_id] { return store.rooms.aliases_of_room(room_id); };
  bj::array aliases;
  std::vector<std::string> found = co_await services.ctx.db(std::move(load));
  for (std::string& alias : found) {
    aliases.emplace_back(std::move(alias));
  }
  co_return ok({{"aliases", std::move(aliases)}});
}

// GET /_matrix/client/v3/directory/list/room/{roomId} — public or private in the directory.
Reply get_directory_visibility(RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::string room_id = room_id_param(ctx.request);
  storage::Store& store = services.ctx.store;
  auto load = [&store, room_id] { return store.rooms.room(room_id); };
  std::optional<storage::RoomRecord> room = co_await services.ctx.db(std::move(load));
  if (!room) throw MatrixError(ErrCode::kNotFound, "Room not found");
  co_return ok({{"visibility", room->is_public ? "public" : "private"}});
}

// PUT /_matrix/client/v3/directory/list/room/{roomId} — publishes or unpublishes the room; for
// room moderators (may send m.room.canonical_alias) and server admins, as in Synapse.
Reply put_directory_visibility(RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object_or_empty(ctx.request);
  const std::string room_id = room_id_param(ctx.request);
  const std::string visibility = optional_string(body, "visibility").value_or("public");
  if (visibility != "public" && visibility != "private") {
    throw MatrixError(ErrCode::kInvalidParam, "'visibility' must be public or private");
  }
  const std::string user_id = ctx.principal.user_id;
  services::RoomStatePtr room = co_await services.rooms.room(room_id);
  if (!room) throw MatrixError(ErrCode::kNotFound, "Room not found");
  bool may_edit = services::may_edit_room_directory(*room, user_id);
  if (!may_edit) may_edit = co_await is_server_admin(services, user_id);
  if (!may_edit) {
    throw MatrixError(ErrCode::kForbidden,
                      "This user is not permitted to change the room's directory visibility");
  }
  storage::Store& store = services.ctx.store;
  const bool is_public = visibility == "public";
  auto save = [&store, room_id, is_public] { store.rooms.set_public(room_id, is_public); };
  co_await services.ctx.db(std::move(save));
  co_return ok();
}

namespace {

struct DirectoryQuery {
  std::optional<std::string> server;
  std::optional<std::int64_t> limit;
  std::optional<std::string> since;
  services::PublicRoomsFilter filter;
  bool only_third_party_network = false;
};

Reply public_rooms(Services& services, DirectoryQuery query) {
  if (query.server && *query.server != services.ctx.server_name()) {
    // No federation client yet, so another server's directory cannot be fetched: Synapse's
    // answer when the remote server cannot be reached.
    throw MatrixError::unknown_bad_gateway("Failed to fetch room list");
  }
  std::vector<services::PublicRoomEntry> entries;
  if (!query.only_third_party_network) {
    storage::Store& store = services.ctx.store;
    auto load = [&store] { return store.rooms.public_room_ids(); };
    std::vector<std::string> room_ids = co_await services.ctx.db(std::move(load));
    for (std::string& room_id : room_ids) {
      services::RoomStatePtr room = co_await services.rooms.room(std::move(room_id));
      if (!room) continue;
      auto entry = services::public_room_entry(*room);
      if (entry && services::matches_filter(*entry, query.filter)) {
        entries.push_back(std::move(*entry));
      }
    }
  }
  auto page = services::paginate_public_rooms(std::move(entries), query.limit, query.since);
  if (!page) throw MatrixError(ErrCode::kInvalidParam, page.error());
  bj::array chunk;
  for (services::PublicRoomEntry& entry : page->chunk) chunk.emplace_back(std::move(entry.json));
  bj::object body{{"chunk", std::move(chunk)},
                  {"total_room_count_estimate", page->total_room_count_estimate}};
  if (page->next_batch) body["next_batch"] = *page->next_batch;
  if (page->prev_batch) body["prev_batch"] = *page->prev_batch;
  co_return ok(std::move(body));
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

}  // namespace

// GET /_matrix/client/v3/publicRooms — a page of the published room directory (no auth needed).
Reply get_public_rooms(RequestContext& ctx) {
  DirectoryQuery query;
  query.server = query_string(ctx.request, "server");
  query.limit = query_int(ctx.request, "limit");
  query.since = query_string(ctx.request, "since");
  co_return co_await public_rooms(*ctx.services, std::move(query));
}

// POST /_matrix/client/v3/publicRooms — a page of the directory, filtered by search term and
// room type.
Reply post_public_rooms(RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  DirectoryQuery query;
  query.server = query_string(ctx.request, "server");
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
  const std::optional<std::string> network = optional_string(body, "third_party_instance_id");
  if (all_networks && network) {
    throw MatrixError::unknown_bad_request(
        "Can't use include_all_networks with an explicit network");
  }
  // Rooms published on an application service's network: none until application services
  // arrive. include_all_networks adds those networks to the local directory, so it lists the
  // same rooms for now.
  query.only_third_party_network = network.has_value();
  co_return co_await public_rooms(*ctx.services, std::move(query));
}

}  // namespace myelin::api
