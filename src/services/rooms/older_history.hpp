#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace myelin::services {

// Where a room's history from before what this server holds comes from: for a room joined
// through another server, that server and the room's others (services/federation Backfiller,
// set by the composition root). RoomService asks when /messages reaches the start of what it
// holds; the rooms layer never sees federation.
class OlderHistory {
 public:
  virtual ~OlderHistory() = default;
  // Fetches up to `limit` events from before `gaps` (the events the room's timeline lacks just
  // before its oldest ones) and adds them through RoomService::add_history. Returns how many
  // entered the timeline; 0 when no server answered in time or none had more. Answers within
  // a few seconds whatever the other servers do: a client waits on it.
  virtual boost::asio::awaitable<std::size_t> fetch_older(std::string room_id,
                                                          std::vector<std::string> gaps,
                                                          std::size_t limit) = 0;
};

}  // namespace myelin::services
