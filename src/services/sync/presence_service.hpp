#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// Presence (spec "Presence"): a user's state is written, and the users who share a room with
// them woken, only when it changes — /sync's set_presence repeats the same state on every
// poll, which must not become a database write per request. The last known state of each user
// is kept in memory (read from the store the first time the user is seen after a start).
class PresenceService {
 public:
  PresenceService(ServiceContext& ctx, RoomService& rooms) : ctx_(ctx), rooms_(rooms) {}

  // Told of each change of a user's state or status message once it is stored: the
  // federation sender tells the servers sharing a room with local users.
  using ChangeFn = std::function<void(const std::string& user_id, const std::string& state,
                                      const std::optional<std::string>& status_msg,
                                      std::int64_t last_active_ms)>;
  void set_on_change(ChangeFn fn) { on_change_ = std::move(fn); }

  // /sync's set_presence: state is online or unavailable; the status message is kept.
  boost::asio::awaitable<void> set_state(std::string user_id, std::string state);
  // PUT /presence/{userId}/status: state is online, unavailable or offline; the status message
  // is replaced (unset clears it, as Synapse does).
  boost::asio::awaitable<void> set_status(std::string user_id, std::string state,
                                          std::optional<std::string> status_msg);

  // When the user was last seen setting their presence in this process (a sync or a PUT):
  // more recent than the stored last_active_ts, which moves only when the state changes.
  std::optional<std::int64_t> last_active_ms(const std::string& user_id);

 private:
  struct Known {
    std::string state;
    std::optional<std::string> status_msg;
    std::int64_t last_active_ms = 0;
  };

  boost::asio::awaitable<void> update(std::string user_id, std::string state,
                                      std::optional<std::string> status_msg, bool keep_status_msg);
  // Loads the stored state into known_ unless it is there already.
  boost::asio::awaitable<void> ensure_known(std::string user_id);
  // Persists and wakes the user and everyone sharing a joined room with them.
  boost::asio::awaitable<void> publish(std::string user_id, std::string state,
                                       std::optional<std::string> status_msg, std::int64_t now);

  ServiceContext& ctx_;
  RoomService& rooms_;
  std::mutex mutex_;  // guards known_ (coroutines run on several I/O threads)
  std::unordered_map<std::string, Known> known_;
  ChangeFn on_change_;
};

}  // namespace myelin::services
