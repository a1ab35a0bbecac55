// Membership changes by local users (spec client-server API "Room membership"). Each is one
// m.room.member event; the auth rules decide whether the sender may make it.
#include "base/matrix_error.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

bool is_local_user(const std::string& user_id, const std::string& server_name) {
  const std::size_t colon = user_id.find(':');
  return colon != std::string::npos &&
         user_id.compare(colon + 1, std::string::npos, server_name) == 0;
}

// An admin's block (Synapse Admin API) keeps local users from joining or being invited, even
// once the room itself is gone.
asio::awaitable<void> refuse_if_blocked(ServiceContext& ctx, std::string room_id) {
  storage::Store& store = ctx.store;
  auto blocked = [&store, room_id] { return store.room_admin.blocked_by(room_id).has_value(); };
  const bool is_blocked = co_await ctx.db(std::move(blocked));
  if (is_blocked) {
    throw MatrixError(ErrCode::kForbidden, "This room has been blocked on this server");
  }
}

}  // namespace

asio::awaitable<SendResult> RoomService::send_membership(std::string room_id, std::string sender,
                                                         std::string target, bj::object content) {
  async::KeyedMutex::Guard guard = co_await locks_.lock(room_id);
  RoomStatePtr room = co_await require_room(room_id);
  const bj::value* membership = content.if_contains("membership");
  if (membership && *membership != "leave" && *membership != "ban") {
    co_await refuse_if_blocked(ctx_, room_id);
  }
  EventDraft draft;
  draft.sender = std::move(sender);
  draft.type = "m.room.member";
  draft.state_key = std::move(target);
  draft.content = std::move(content);
  SendOptions no_transaction;
  co_return co_await send_locked(std::move(room), std::move(draft), std::move(no_transaction));
}

asio::awaitable<SendResult> RoomService::join(std::string room_id, std::string user_id,
                                              std::optional<std::string> reason) {
  co_await refuse_if_blocked(ctx_, room_id);
  RoomStatePtr current = co_await room(room_id);
  if (!current) {
    // Joining a room on another server needs federation (a later issue).
    throw MatrixError(ErrCode::kNotFound, "No known servers for room " + room_id);
  }
  if (const events::Pdu* member = current->find("m.room.member", user_id);
      member && member->membership() == "join") {
    co_return SendResult{member->event_id(), 0};
  }
  storage::Store& store = ctx_.store;
  auto load_profile = [&store, user_id] { return store.accounts.profile(user_id); };
  storage::Profile profile = co_await ctx_.db(std::move(load_profile));
  bj::object content{{"membership", "join"}};
  if (profile.displayname) content["displayname"] = *profile.displayname;
  if (profile.avatar_url) content["avatar_url"] = *profile.avatar_url;
  if (reason) content["reason"] = *reason;
  co_return co_await send_membership(room_id, user_id, user_id, std::move(content));
}

asio::awaitable<SendResult> RoomService::invite(std::string room_id, std::string sender,
                                                std::string target,
                                                std::optional<std::string> reason, bool is_direct) {
  if (!is_local_user(target, ctx_.server_name())) {
    throw MatrixError(ErrCode::kForbidden,
                      "Inviting users of other servers needs federation, not enabled yet");
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, target] {
    auto user = store.accounts.user(target);
    return std::pair{user.has_value() && !user->deactivated, store.accounts.profile(target)};
  };
  auto [exists, profile] = co_await ctx_.db(std::move(load));
  if (!exists) throw MatrixError(ErrCode::kNotFound, "Unknown user " + target);
  bj::object content{{"membership", "invite"}};
  if (profile.displayname) content["displayname"] = *profile.displayname;
  if (profile.avatar_url) content["avatar_url"] = *profile.avatar_url;
  if (is_direct) content["is_direct"] = true;
  if (reason) content["reason"] = *reason;
  co_return co_await send_membership(room_id, sender, target, std::move(content));
}

asio::awaitable<SendResult> RoomService::leave(std::string room_id, std::string user_id,
                                               std::optional<std::string> reason) {
  RoomStatePtr room = co_await require_room(room_id);
  const std::string membership = room->membership_of(user_id);
  if (membership.empty() || membership == "leave") {
    throw MatrixError(ErrCode::kForbidden, user_id + " is not in the room");
  }
  bj::object content{{"membership", "leave"}};
  if (reason) content["reason"] = *reason;
  co_return co_await send_membership(room_id, user_id, user_id, std::move(content));
}

asio::awaitable<SendResult> RoomService::set_membership(std::string room_id, std::string sender,
                                                        std::string target, std::string membership,
                                                        std::optional<std::string> reason) {
  RoomStatePtr room = co_await require_room(room_id);
  if (membership == "leave" && room->membership_of(target).empty()) {
    throw MatrixError(ErrCode::kForbidden, target + " is not in the room");
  }
  bj::object content{{"membership", membership}};
  if (reason) content["reason"] = *reason;
  co_return co_await send_membership(room_id, sender, target, std::move(content));
}

}  // namespace myelin::services
