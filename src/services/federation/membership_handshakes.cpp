// The serving side of the membership handshakes, first half: the templates (make_*) and who
// vouches for restricted joins.
#include "services/federation/membership_handshakes.hpp"

#include <algorithm>

#include "base/matrix_error.hpp"
#include "protocol/auth/power_levels.hpp"
#include "services/common/server_of.hpp"
#include "services/federation/membership_template.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

void require_version(const RoomState& room, const std::vector<std::string>& supported) {
  // make_join: "If not provided, the room version is assumed to be 1" — likewise for make_knock.
  std::vector<std::string> versions = supported;
  if (versions.empty()) versions.push_back("1");
  const std::string id(room.version->id);
  if (std::find(versions.begin(), versions.end(), id) == versions.end()) {
    throw MatrixError(ErrCode::kIncompatibleRoomVersion,
                      "Your homeserver does not support the features required to join this room",
                      {{"room_version", id}});
  }
}

}  // namespace

void MembershipHandshakes::require_own_user(const std::string& origin, const std::string& user_id) {
  if (server_of(user_id) != origin) {
    throw MatrixError(ErrCode::kForbidden, "User " + user_id + " does not belong to " + origin);
  }
}

MembershipHandshakes::MembershipHandshakes(ServiceContext& ctx, RoomService& rooms)
    : ctx_(ctx), rooms_(rooms) {}

ServerKeys& MembershipHandshakes::keys() const {
  if (!keys_) throw MatrixError(ErrCode::kUnknown, "Federation keys are not configured");
  return *keys_;
}

asio::awaitable<RoomStatePtr> MembershipHandshakes::joined_room(std::string room_id) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  // A room none of our users is in is not ours to let others into.
  if (!room || room->joined_local_users.empty()) {
    throw MatrixError(ErrCode::kNotFound, "Unknown room " + room_id);
  }
  co_return room;
}

// Restricted rooms (v8+): a user who is neither invited nor joined may join when a member of one
// of the rooms join_rules.allow names; we vouch for it by naming one of our users who may invite
// (spec "Restricted rooms", server-server API "Joining Rooms" restricted joins).
asio::awaitable<std::optional<std::string>> MembershipHandshakes::authorising_user(
    RoomStatePtr room, std::string user_id) {
  const RoomVersion& version = *room->version;
  const events::Pdu* join_rules = room->find("m.room.join_rules", "");
  const bj::value* rule = join_rules ? join_rules->content().if_contains("join_rule") : nullptr;
  const bool restricted =
      rule && ((version.restricted_join_rule && *rule == "restricted") ||
               (version.knock_restricted_join_rule && *rule == "knock_restricted"));
  const std::string membership = room->membership_of(user_id);
  if (!restricted || membership == "join" || membership == "invite") co_return std::nullopt;

  bool allowed = false;
  bool know_an_allowed_room = false;
  const bj::value* allow = join_rules->content().if_contains("allow");
  if (allow && allow->is_array()) {
    for (const bj::value& entry : allow->as_array()) {
      if (!entry.is_object()) continue;
      const bj::value* type = entry.as_object().if_contains("type");
      const bj::value* allowed_room = entry.as_object().if_contains("room_id");
      if (!type || *type != "m.room_membership" || !allowed_room || !allowed_room->is_string()) {
        continue;
      }
      std::string allowed_id(allowed_room->as_string());
      RoomStatePtr other = co_await rooms_.room(allowed_id);
      if (!other || other->joined_local_users.empty()) continue;
      know_an_allowed_room = true;
      if (other->membership_of(user_id) == "join") allowed = true;
    }
  }
  if (!know_an_allowed_room) {
    throw MatrixError(ErrCode::kUnableToAuthoriseJoin,
                      "This server is in none of the rooms that allow joining " + room->room_id);
  }
  if (!allowed) {
    throw MatrixError(ErrCode::kForbidden, user_id + " is not allowed to join " + room->room_id);
  }
  auth::PowerLevels levels = auth::PowerLevels::from_state(version, room->auth_state());
  for (const std::string& local : room->joined_local_users) {
    if (levels.user_level(local) >= levels.invite_level()) co_return local;
  }
  throw MatrixError(ErrCode::kUnableToGrantJoin,
                    "None of this server's users in the room may invite " + user_id);
}

asio::awaitable<bj::object> MembershipHandshakes::make_membership(std::string origin,
                                                                  std::string room_id,
                                                                  std::string user_id,
                                                                  std::string membership) {
  require_own_user(origin, user_id);
  RoomStatePtr room = co_await joined_room(room_id);
  bj::object content{{"membership", membership}};
  if (membership == "join") {
    std::optional<std::string> voucher = co_await authorising_user(room, user_id);
    if (voucher) content["join_authorised_via_users_server"] = *voucher;
  }
  auto event = membership_template(ctx_, *room, user_id, std::move(content));
  if (!event)
    throw MatrixError(ErrCode::kForbidden,
                      "The " + membership + " would not be allowed: " + event.error());
  co_return bj::object{{"event", std::move(*event)}, {"room_version", room->version->id}};
}

asio::awaitable<bj::object> MembershipHandshakes::make_join(std::string origin, std::string room_id,
                                                            std::string user_id,
                                                            std::vector<std::string> versions) {
  require_own_user(origin, user_id);
  RoomStatePtr room = co_await joined_room(room_id);
  require_version(*room, versions);
  co_return co_await make_membership(std::move(origin), std::move(room_id), std::move(user_id),
                                     "join");
}

asio::awaitable<bj::object> MembershipHandshakes::make_leave(std::string origin,
                                                             std::string room_id,
                                                             std::string user_id) {
  co_return co_await make_membership(std::move(origin), std::move(room_id), std::move(user_id),
                                     "leave");
}

asio::awaitable<bj::object> MembershipHandshakes::make_knock(std::string origin,
                                                             std::string room_id,
                                                             std::string user_id,
                                                             std::vector<std::string> versions) {
  require_own_user(origin, user_id);
  RoomStatePtr room = co_await joined_room(room_id);
  require_version(*room, versions);
  if (!room->version->knock_join_rule) {
    throw MatrixError(ErrCode::kForbidden, "This room version does not support knocking");
  }
  co_return co_await make_membership(std::move(origin), std::move(room_id), std::move(user_id),
                                     "knock");
}

}  // namespace myelin::services
