#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>

#include "bench/load/latency_stats.hpp"
#include "bench/load/matrix_user.hpp"
#include "bench/load/server_address.hpp"

namespace myelin::loadgen {

struct WakeupOptions {
  std::size_t samples = 1000;
  // Pause between the receiver's /sync request being written and the send, so that the server
  // has parked the long-poll: what is measured is a wake-up, not an immediate answer.
  std::chrono::milliseconds settle{5};
};

struct WakeupResult {
  LatencyStats latency;           // send start → the receiver's /sync response
  std::size_t missed = 0;         // messages the receiver never saw
  std::size_t other_wakeups = 0;  // /sync answers that did not carry the awaited message
};

// Scenario 3: the receiver long-polls /sync?timeout=30000&since=…; the sender sends a message to
// their shared room; latency = the receiver's response arrival − the send's start.
boost::asio::awaitable<WakeupResult> run_wakeup(ServerAddress server, Account receiver,
                                                Account sender, std::string room_id,
                                                WakeupOptions options);

}  // namespace myelin::loadgen
