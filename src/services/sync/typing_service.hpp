#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace myelin::services {

// Who is typing where (spec "Typing notifications"). In memory only, as in every homeserver:
// typing is worthless after a restart. Each change bumps a serial that sync tokens carry.
class TypingService {
 public:
  // Told of each user's typing start, renewal and stop (expiry included), outside the lock:
  // the federation sender tells the room's other servers about local users.
  using ChangeFn =
      std::function<void(const std::string& room_id, const std::string& user_id, bool typing)>;
  void set_on_change(ChangeFn fn) { on_change_ = std::move(fn); }

  // Returns true when the room's typing set changed. `until_ms` is ignored when !typing.
  bool set_typing(const std::string& room_id, const std::string& user_id, bool typing,
                  std::int64_t until_ms, std::int64_t now_ms);
  // Drops expired entries; returns the rooms whose set changed.
  std::vector<std::string> expire(std::int64_t now_ms);

  std::uint64_t serial() const;
  // The typing users, and whether the set changed after `since_serial`.
  std::vector<std::string> typing_users(const std::string& room_id) const;
  bool changed_since(const std::string& room_id, std::uint64_t since_serial) const;
  // The room's typing users if its set last changed after `since_serial` and no later than
  // `upto_serial` (the serial a sync response's token carries), read in one step. A change
  // after upto_serial is left for the next sync, whose token starts there; reading it now as
  // well would show it twice, and wake the next long poll at once with nothing new.
  std::optional<std::vector<std::string>> changed_between(const std::string& room_id,
                                                          std::uint64_t since_serial,
                                                          std::uint64_t upto_serial) const;

 private:
  struct RoomTyping {
    std::map<std::string, std::int64_t> until_ms;  // user → expiry
    std::uint64_t changed_at = 0;
  };
  std::vector<std::string> expire_locked(std::int64_t now_ms,
                                         std::vector<std::pair<std::string, std::string>>& stopped);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, RoomTyping> rooms_;
  std::uint64_t serial_ = 0;
  ChangeFn on_change_;
};

}  // namespace myelin::services
