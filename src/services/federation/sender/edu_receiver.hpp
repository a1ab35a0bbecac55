#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "services/common/service_context.hpp"
#include "services/e2ee/device_lists.hpp"
#include "services/e2ee/device_messages.hpp"
#include "services/rooms/room_service.hpp"
#include "services/sync/typing_service.hpp"

namespace myelin::services {

// EDUs other servers send us in /send transactions (spec server-server API "EDUs"). Each is
// checked field by field: the user must belong to the sending server and, for typing and
// receipts, be joined to the room; anything else is dropped with a debug log, never thrown.
//   m.typing  → TypingService (remote typing lasts kRemoteTypingMs unless renewed)
//   m.receipt → m.read receipts, for events of the room we hold
//   m.presence → the users' presence, when they share a room with us
//   m.direct_to_device → DeviceMessages (our users' device inboxes)
//   m.device_list_update, m.signing_key_update → DeviceLists (changes our users' clients see)
// The last three are dropped until set_e2ee() connected their services.
class EduReceiver {
 public:
  // Synapse's federation typing timeout: remote servers renew typing well within it.
  static constexpr std::int64_t kRemoteTypingMs = 60'000;

  EduReceiver(ServiceContext& ctx, RoomService& rooms, TypingService& typing)
      : ctx_(ctx), rooms_(rooms), typing_(typing) {}

  boost::asio::awaitable<void> receive(std::string origin, boost::json::object edu);

  void set_e2ee(DeviceMessages* messages, DeviceLists* lists) {
    device_messages_ = messages;
    device_lists_ = lists;
  }

 private:
  boost::asio::awaitable<void> typing(std::string origin, boost::json::object content);
  boost::asio::awaitable<void> receipts(std::string origin, boost::json::object content);
  boost::asio::awaitable<void> receipt(std::string origin, std::string room_id, std::string user_id,
                                       boost::json::object receipt);
  boost::asio::awaitable<void> presence(std::string origin, boost::json::object content);
  boost::asio::awaitable<void> presence_update(std::string origin, boost::json::object update);
  // The room when the user (of `origin`) is joined to it, else nullptr.
  boost::asio::awaitable<RoomStatePtr> joined_room(std::string origin, std::string room_id,
                                                   std::string user_id);

  ServiceContext& ctx_;
  RoomService& rooms_;
  TypingService& typing_;
  DeviceMessages* device_messages_ = nullptr;
  DeviceLists* device_lists_ = nullptr;
};

}  // namespace myelin::services
