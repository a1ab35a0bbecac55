#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "async/keyed_mutex.hpp"
#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {

// One notice to send: what POST /_synapse/admin/v1/send_server_notice carries.
struct ServerNotice {
  std::string user_id;  // a local user
  std::string type = "m.room.message";
  std::optional<std::string> state_key;
  boost::json::object content;
};

// Synapse's server notices (server_notices: in the config): the server writes to a user as its
// notices user, in a room of their own that it creates once and finds again later (the notices
// user is joined, the user invited or joined), tagged m.server_notice in the user's account
// data, where users may not speak (users_default -10). The notices user is created on first
// use and keeps the configured display name and avatar.
class ServerNotices {
 public:
  static constexpr std::string_view kRoomTag = "m.server_notice";

  ServerNotices(ServiceContext& ctx, AccountService& accounts, RoomService& rooms)
      : ctx_(ctx), accounts_(accounts), rooms_(rooms) {}

  bool enabled() const { return ctx_.config.server_notices.enabled(); }
  std::string system_user_id() const;

  // Sends the notice and returns its event ID. 400 M_UNKNOWN when notices are off or the user is
  // not local, 404 M_NOT_FOUND for an unknown user. With a transaction key, a repeated key
  // answers the first send's event ID without sending again (kept in memory, as Synapse's
  // transaction cache).
  boost::asio::awaitable<std::string> send(ServerNotice notice,
                                           std::optional<std::string> transaction_key);

  // The user's notices room, created (and the user invited or joined) when there is none.
  boost::asio::awaitable<std::string> notice_room_for(std::string user_id);

 private:
  boost::asio::awaitable<void> ensure_system_user();
  boost::asio::awaitable<std::optional<std::string>> find_notice_room(std::string user_id);
  boost::asio::awaitable<std::string> create_notice_room(std::string user_id);
  boost::asio::awaitable<void> tag_room(std::string user_id, std::string room_id);

  ServiceContext& ctx_;
  AccountService& accounts_;
  RoomService& rooms_;
  // One room creation per user at a time, and one send per transaction key.
  async::KeyedMutex user_locks_;
  async::KeyedMutex transaction_locks_;
  std::mutex mutex_;
  std::map<std::string, std::string> sent_;  // transaction key → event ID
};

}  // namespace myelin::services
