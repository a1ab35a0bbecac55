#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>

#include "bench/load/latency_stats.hpp"
#include "bench/load/server_address.hpp"
#include "bench/load/setup_scenario.hpp"

namespace myelin::loadgen {

// When the senders stop: at `deadline`, or once `*stop` is set (from another thread).
struct LoadControl {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const std::atomic<bool>* stop = nullptr;

  bool should_stop() const {
    return std::chrono::steady_clock::now() >= deadline ||
           (stop != nullptr && stop->load(std::memory_order_relaxed));
  }
};

struct ThroughputResult {
  std::size_t sent = 0;    // answered 200
  std::size_t failed = 0;  // errors and non-2xx answers
  std::string first_error;
  LatencyStats latency;  // of the successful sends
  double seconds = 0;    // from the first send to the last answer
  double messages_per_second() const {
    return seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  }
};

// Scenario 2: `senders` users (the first ones of `world`), each on its own connection, send
// m.room.message events to their room back to back until `control` says stop.
boost::asio::awaitable<ThroughputResult> run_throughput(ServerAddress server, LoadWorld world,
                                                        std::size_t senders, LoadControl control);

}  // namespace myelin::loadgen
