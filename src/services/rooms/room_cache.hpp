#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "services/rooms/room_state.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

// Every room's RoomState that has been used since start-up, loaded from the store on first use.
// Thread-safe; rooms are replaced whole (see RoomState).
class RoomCache {
 public:
  RoomStatePtr find(const std::string& room_id) const;
  void put(RoomStatePtr room);
  void erase(const std::string& room_id);

  // Rebuilds a room's state from the store (blocking: run on the database pool); nullptr when
  // the room is unknown.
  static RoomStatePtr load(storage::Store& store, const std::string& room_id,
                           const std::string& server_name);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, RoomStatePtr> rooms_;
};

}  // namespace myelin::services
