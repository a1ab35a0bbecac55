#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <string>

#include "bench/load/server_address.hpp"

namespace myelin::loadgen {

struct InitialSyncOptions {
  std::size_t rooms = 200;
  std::size_t messages_per_room = 3;
  std::size_t runs = 5;
  std::size_t concurrency = 4;  // connections creating the rooms
  std::string run_tag;
};

struct InitialSyncResult {
  double median_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  std::size_t response_bytes = 0;     // of the last run
  std::size_t rooms_in_response = 0;  // rooms.join of the last run
  double setup_seconds = 0;
};

// Scenario 4: one user creates `rooms` rooms with a few messages each, then times GET /sync
// without `since` (an initial sync), `runs` times.
boost::asio::awaitable<InitialSyncResult> run_initial_sync(ServerAddress server,
                                                           InitialSyncOptions options);

}  // namespace myelin::loadgen
