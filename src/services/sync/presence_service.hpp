#pragma once

#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// Presence (spec "Presence"): a user's state is written, and the users who share a room with
// them woken, only when it changes — /sync's set_presence repeats the same state on every
// poll, which must not become a database write per request.
class PresenceService {
 public:
  PresenceService(ServiceContext& ctx, RoomService& rooms) : ctx_(ctx), rooms_(rooms) {}

  // state: online, unavailable or offline. status_msg unset: keep the current one.
  boost::asio::awaitable<void> set(std::string user_id, std::string state,
                                   std::optional<std::string> status_msg);

 private:
  struct Known {
    std::string state;
    std::optional<std::string> status_msg;
  };
  ServiceContext& ctx_;
  RoomService& rooms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Known> known_;
};

}  // namespace myelin::services
