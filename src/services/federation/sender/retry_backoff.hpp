#pragma once

#include <cstdint>

namespace myelin::services {

// How long an unreachable server is left alone before the next try, as Synapse does: a small
// first interval, doubled after each further failure up to a cap, each time stretched or
// shrunk by a random factor so that many servers' queues do not retry in lock-step.
struct RetryBackoff {
  std::int64_t min_interval_ms = 10'000;
  std::int64_t max_interval_ms = 24LL * 60 * 60 * 1000;  // a day
  double jitter = 0.2;                                   // ± this fraction

  // The interval after another failure; `previous_ms` is 0 after a success. `random01` is a
  // uniform draw in [0, 1) (injected so that tests are deterministic).
  std::int64_t next_interval(std::int64_t previous_ms, double random01) const;
};

}  // namespace myelin::services
