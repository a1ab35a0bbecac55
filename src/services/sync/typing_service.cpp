#include "services/sync/typing_service.hpp"

namespace myelin::services {

bool TypingService::set_typing(const std::string& room_id, const std::string& user_id, bool typing,
                               std::int64_t until_ms, std::int64_t now_ms) {
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    RoomTyping& room = rooms_[room_id];
    if (typing) {
      auto [it, inserted] = room.until_ms.insert_or_assign(user_id, until_ms);
      changed = inserted;
    } else {
      changed = room.until_ms.erase(user_id) > 0;
    }
    (void)now_ms;
    if (changed) room.changed_at = ++serial_;
  }
  if (on_change_ && (changed || typing)) on_change_(room_id, user_id, typing);
  return changed;
}

std::vector<std::string> TypingService::expire(std::int64_t now_ms) {
  std::vector<std::pair<std::string, std::string>> stopped;  // (room, user), told after unlocking
  std::vector<std::string> changed_rooms = expire_locked(now_ms, stopped);
  if (on_change_) {
    for (const auto& [room_id, user_id] : stopped) on_change_(room_id, user_id, false);
  }
  return changed_rooms;
}

std::vector<std::string> TypingService::expire_locked(
    std::int64_t now_ms, std::vector<std::pair<std::string, std::string>>& stopped) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> changed_rooms;
  for (auto& [room_id, room] : rooms_) {
    bool changed = false;
    for (auto it = room.until_ms.begin(); it != room.until_ms.end();) {
      if (it->second <= now_ms) {
        stopped.emplace_back(room_id, it->first);
        it = room.until_ms.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    if (changed) {
      room.changed_at = ++serial_;
      changed_rooms.push_back(room_id);
    }
  }
  return changed_rooms;
}

std::uint64_t TypingService::serial() const {
  std::lock_guard lock(mutex_);
  return serial_;
}

std::vector<std::string> TypingService::typing_users(const std::string& room_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> users;
  if (auto it = rooms_.find(room_id); it != rooms_.end()) {
    for (const auto& [user, until] : it->second.until_ms) users.push_back(user);
  }
  return users;
}

std::optional<std::vector<std::string>> TypingService::changed_between(
    const std::string& room_id, std::uint64_t since_serial, std::uint64_t upto_serial) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room_id);
  if (it == rooms_.end() || it->second.changed_at <= since_serial ||
      it->second.changed_at > upto_serial) {
    return std::nullopt;
  }
  std::vector<std::string> users;
  for (const auto& [user, until] : it->second.until_ms) users.push_back(user);
  return users;
}

bool TypingService::changed_since(const std::string& room_id, std::uint64_t since_serial) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room_id);
  return it != rooms_.end() && it->second.changed_at > since_serial;
}

}  // namespace myelin::services
