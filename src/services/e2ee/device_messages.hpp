#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "services/common/service_context.hpp"

namespace myelin::services {

// Send-to-device messaging (spec client-server "Send-to-Device messaging", server-server
// "Send-to-device messaging"): messages addressed to devices rather than rooms, which
// end-to-end encryption uses to share room keys. Local recipients' messages wait in their
// devices' inboxes (DeviceInboxStore) until a /sync shows them and the next one confirms it;
// remote recipients' go to their servers as m.direct_to_device EDUs, one per server.
class DeviceMessages {
 public:
  // How many to-device events one /sync carries at most (Synapse's limit); more wait for the
  // next one, which comes at once.
  static constexpr int kMaxPerSync = 100;

  // Hands an EDU to the federation sender (which installs it; until then remote recipients'
  // messages are dropped with a warning).
  using RemoteSender =
      std::function<boost::asio::awaitable<void>(std::string destination, boost::json::object edu)>;

  explicit DeviceMessages(ServiceContext& ctx) : ctx_(ctx) {}

  void set_remote_sender(RemoteSender sender) { remote_sender_ = std::move(sender); }

  // PUT /sendToDevice/{eventType}/{txnId}: `messages` maps user IDs to device IDs (or "*", every
  // device of the user) to content objects. The same transaction ID from the same device is
  // delivered once. M_BAD_JSON when the shape is wrong, M_INVALID_PARAM for a bad user ID.
  boost::asio::awaitable<void> send(std::string sender, std::string sender_device, std::string type,
                                    std::string txn_id, boost::json::object messages);

  // An m.direct_to_device EDU from `origin`: its sender must be one of origin's users; messages
  // for our users are delivered (once per message_id), anything else is dropped with a log line.
  boost::asio::awaitable<void> receive(std::string origin, boost::json::object content);

  // How long a delivered transaction ID or message_id is remembered: a client retries within
  // minutes, another server within hours (its transactions back off up to a day).
  static constexpr std::int64_t kRememberDeliveriesMs = 7LL * 24 * 3600 * 1000;
  // Forgets deliveries older than that (run periodically).
  boost::asio::awaitable<void> forget_old_deliveries();

 private:
  ServiceContext& ctx_;
  RemoteSender remote_sender_;
};

// The to-device section of a device's /sync (blocking: run it on the database pool).
struct ToDeviceSync {
  boost::json::array events;
  // The position up to which the device has now been given its messages: `up_to`, or less
  // when more than kMaxPerSync were waiting.
  std::int64_t delivered_through = 0;
};
// Messages at positions in (after, up_to]. Messages at or below `after` the client has
// confirmed by syncing from there, so they are deleted.
ToDeviceSync to_device_for_sync(storage::Store& store, const std::string& user_id,
                                const std::string& device_id, std::int64_t after,
                                std::int64_t up_to);

}  // namespace myelin::services
