// Creating rooms and changing memberships (spec client-server API "Rooms", "Room membership").
#include "api/client/account_restrictions.hpp"
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/room_alias.hpp"
#include "protocol/ids/room_id.hpp"
#include "protocol/ids/user_id.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

std::string checked_user_id(const std::string& text) {
  if (!ids::UserId::parse(text, ids::UserIdGrammar::kHistorical)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID: " + text);
  }
  return text;
}

std::vector<services::EventDraft> initial_state(const bj::object& body) {
  std::vector<services::EventDraft> drafts;
  const bj::value* list = body.if_contains("initial_state");
  if (!list || list->is_null()) return drafts;
  if (!list->is_array()) throw MatrixError(ErrCode::kBadJson, "'initial_state' must be a list");
  for (const bj::value& item : list->as_array()) {
    if (!item.is_object()) {
      throw MatrixError(ErrCode::kBadJson, "'initial_state' entries must be objects");
    }
    const bj::object& entry = item.as_object();
    services::EventDraft draft;
    draft.type = required_string(entry, "type");
    draft.state_key = optional_string(entry, "state_key").value_or("");
    auto content = optional_object(entry, "content");
    if (!content) throw MatrixError(ErrCode::kBadJson, "'initial_state' entries need content");
    draft.content = std::move(*content);
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

// The room a /join/{roomIdOrAlias} names: an alias is resolved locally.
boost::asio::awaitable<std::string> resolve_room(Services& services, std::string id_or_alias) {
  if (!id_or_alias.empty() && id_or_alias[0] == '#') {
    if (!ids::RoomAlias::parse(id_or_alias)) {
      throw MatrixError(ErrCode::kInvalidParam, "Invalid room alias: " + id_or_alias);
    }
    storage::Store& store = services.ctx.store;
    auto lookup = [&store, id_or_alias] { return store.rooms.alias(id_or_alias); };
    auto alias = co_await services.ctx.db(std::move(lookup));
    if (!alias) throw MatrixError(ErrCode::kNotFound, "Room alias " + id_or_alias + " not found");
    co_return alias->room_id;
  }
  if (!ids::RoomId::parse(id_or_alias)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid room ID or alias: " + id_or_alias);
  }
  co_return id_or_alias;
}

}  // namespace

// POST /_matrix/client/v3/createRoom — a new room with the preset's state, then the invites.
Reply post_create_room(RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  services::CreateRoomRequest request;
  request.creator = ctx.principal.user_id;
  request.visibility = optional_string(body, "visibility");
  if (request.visibility && *request.visibility != "public" && *request.visibility != "private") {
    throw MatrixError(ErrCode::kInvalidParam, "'visibility' must be public or private");
  }
  request.preset = optional_string(body, "preset");
  request.name = optional_string(body, "name");
  request.topic = optional_string(body, "topic");
  request.room_version = optional_string(body, "room_version");
  request.room_alias_name = optional_string(body, "room_alias_name");
  if (request.room_alias_name) {
    const std::string alias =
        "#" + *request.room_alias_name + ":" + ctx.services->ctx.server_name();
    if (request.room_alias_name->empty() ||
        request.room_alias_name->find_first_of(":# \t\n") != std::string::npos ||
        !ids::RoomAlias::parse(alias)) {
      throw MatrixError(ErrCode::kInvalidParam, "Invalid characters in room alias");
    }
  }
  for (const std::string& invitee :
       optional_string_list(body, "invite").value_or(std::vector<std::string>{})) {
    request.invite.push_back(checked_user_id(invitee));
  }
  request.is_direct = optional_bool(body, "is_direct").value_or(false);
  request.creation_content = optional_object(body, "creation_content").value_or(bj::object{});
  request.power_level_content_override = optional_object(body, "power_level_content_override");
  request.initial_state = initial_state(body);
  co_await refuse_if_suspended(ctx, "Creating rooms");
  const bool hidden = co_await shadow_banned(ctx);
  if (hidden) request.invite.clear();  // the room is made, the invitees never hear of it
  std::vector<std::string> remote_invitees;
  for (const std::string& invitee : request.invite) {
    if (!ctx.services->accounts.is_local(invitee)) remote_invitees.push_back(invitee);
  }
  const bool is_direct = request.is_direct;
  std::string room_id = co_await ctx.services->rooms.create_room(std::move(request));
  // RoomService invited our users; other servers' users through their servers (as Synapse, a
  // refused invite fails the request, though the room stays).
  for (const std::string& invitee : remote_invitees) {
    std::optional<std::string> no_reason;
    co_await ctx.services->membership_federation.ours.invite(room_id, ctx.principal.user_id,
                                                             invitee, no_reason, is_direct);
  }
  co_return ok({{"room_id", room_id}});
}

// POST /_matrix/client/v3/rooms/{roomId}/join — joins a room this server knows.
Reply post_join_room_id(RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await refuse_if_suspended(ctx, "Joining rooms");
  std::vector<std::string> no_servers;  // the inviter's and the room ID's server are tried
  co_await ctx.services->membership_federation.ours.join(room_id, ctx.principal.user_id,
                                                         std::move(no_servers), std::move(reason));
  co_return ok({{"room_id", room_id}});
}

// POST /_matrix/client/v3/join/{roomIdOrAlias}?server_name=&via= — joins by room ID or alias
// (another server's alias through its directory); a room this server is not in is joined
// through the given servers, or the alias's.
Reply post_join(RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::vector<std::string> servers;
  for (std::string_view key : {"via", "server_name"}) {
    for (std::string_view server : ctx.request.query.get_all(key)) servers.emplace_back(server);
  }
  std::string room_id;
  if (!id_or_alias.empty() && id_or_alias[0] == '#') {
    if (!ids::RoomAlias::parse(id_or_alias)) {
      throw MatrixError(ErrCode::kInvalidParam, "Invalid room alias: " + id_or_alias);
    }
    services::FederatedMembership::AliasTarget target =
        co_await ctx.services->membership_federation.ours.resolve_alias(std::move(id_or_alias));
    room_id = std::move(target.room_id);
    servers.insert(servers.end(), target.servers.begin(), target.servers.end());
  } else {
    room_id = co_await resolve_room(*ctx.services, std::move(id_or_alias));
  }
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await refuse_if_suspended(ctx, "Joining rooms");
  co_await ctx.services->membership_federation.ours.join(room_id, ctx.principal.user_id,
                                                         std::move(servers), std::move(reason));
  co_return ok({{"room_id", room_id}});
}

// POST /_matrix/client/v3/rooms/{roomId}/invite — invites a user (the auth rules decide).
Reply post_invite(RequestContext& ctx) {
  const bj::object body = body_object(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::string target = checked_user_id(required_string(body, "user_id"));
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await refuse_if_suspended(ctx, "Inviting users");
  const bool hidden = co_await shadow_banned(ctx);
  if (hidden) co_return ok();
  co_await ctx.services->membership_federation.ours.invite(room_id, ctx.principal.user_id, target,
                                                           std::move(reason), false);
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/leave — leaves, or rejects an invite.
Reply post_leave(RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string room_id = room_id_param(ctx.request);
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await ctx.services->membership_federation.ours.leave(std::move(room_id), ctx.principal.user_id,
                                                          std::move(reason));
  co_return ok();
}

// POST /_matrix/client/v3/rooms/{roomId}/forget — hides a left room from the user's syncs.
Reply post_forget(RequestContext& ctx) {
  std::string room_id = room_id_param(ctx.request);
  std::string user_id = ctx.principal.user_id;
  storage::Store& store = ctx.services->ctx.store;
  auto forget = [&store, room_id, user_id] {
    auto membership = store.events.membership(room_id, user_id);
    if (!membership) return std::string("none");
    if (membership->membership == "join" || membership->membership == "invite" ||
        membership->membership == "knock") {
      return membership->membership;
    }
    store.events.forget(room_id, user_id);
    return std::string();
  };
  std::string refused = co_await ctx.services->ctx.db(std::move(forget));
  if (refused == "none") throw MatrixError(ErrCode::kNotFound, "Not a member of " + room_id);
  if (!refused.empty()) {
    throw MatrixError::unknown_bad_request("User " + user_id + " is in room " + room_id);
  }
  co_return ok();
}

namespace {

Reply change_membership(RequestContext& ctx, std::string membership) {
  const bj::object body = body_object(ctx.request);
  std::string target = checked_user_id(required_string(body, "user_id"));
  std::string room_id = room_id_param(ctx.request);
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await ctx.services->rooms.set_membership(std::move(room_id), ctx.principal.user_id,
                                              std::move(target), std::move(membership),
                                              std::move(reason));
  co_return ok();
}

}  // namespace

// POST /_matrix/client/v3/rooms/{roomId}/kick — sets another user's membership to leave.
Reply post_kick(RequestContext& ctx) { return change_membership(ctx, "leave"); }

// POST /_matrix/client/v3/rooms/{roomId}/ban — bans a user.
Reply post_ban(RequestContext& ctx) { return change_membership(ctx, "ban"); }

// POST /_matrix/client/v3/rooms/{roomId}/unban — lifts a ban (membership leave).
Reply post_unban(RequestContext& ctx) { return change_membership(ctx, "leave"); }

// GET /_matrix/client/v3/joined_rooms — the rooms the user is joined to.
Reply get_joined_rooms(RequestContext& ctx) {
  storage::Store& store = ctx.services->ctx.store;
  std::string user_id = ctx.principal.user_id;
  auto load = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  bj::array rooms;
  for (const storage::MembershipRecord& m : co_await ctx.services->ctx.db(std::move(load))) {
    if (m.membership == "join") rooms.emplace_back(m.room_id);
  }
  co_return ok({{"joined_rooms", std::move(rooms)}});
}

}  // namespace myelin::api
