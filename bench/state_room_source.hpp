#pragma once

#include <string_view>

#include "bench/state_room.hpp"
#include "protocol/state_res/event_source.hpp"

namespace myelin::bench {

// State resolution reads the bench room's events from memory.
class StateRoomSource : public state_res::EventSource {
 public:
  explicit StateRoomSource(const StateRoom& room) : room_(room) {}

  const events::Pdu* find(std::string_view event_id) const override {
    auto it = room_.by_id.find(event_id);
    return it == room_.by_id.end() ? nullptr : it->second.get();
  }

 private:
  const StateRoom& room_;
};

}  // namespace myelin::bench
