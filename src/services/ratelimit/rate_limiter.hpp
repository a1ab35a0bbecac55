#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "config/rate_limit_config.hpp"
#include "services/common/service_context.hpp"

namespace myelin::services {

// The outcome of asking to do one action.
struct RateDecision {
  bool allowed = true;
  // When refused: milliseconds until one more action fits (rounded up, so that a client
  // waiting exactly this long is let through). 0 when allowed.
  std::int64_t retry_after_ms = 0;
};

// One family of rate limits (Synapse's rc_message, rc_login.address, …) over arbitrary keys (a
// user ID, an IP address, a room ID): a leaky bucket per key, as Synapse's Ratelimiter. Each
// action adds one to the key's bucket, the bucket drains at `per_second`, and an action is
// refused when it would lift the bucket above `burst_count`. The limit is given per call, so
// one key may carry an admin's override.
//
// Thread-safe. Memory stays bounded by the keys active recently: buckets that have drained
// empty are swept once a minute of clock time.
class RateLimiter {
 public:
  explicit RateLimiter(Clock now_ms);

  // Counts one action for `key` if it fits under `limit`; with update=false only asks (Synapse
  // checks registrations up front and counts them once the account exists). A limit with
  // per_second <= 0 is no limit (Synapse: an override of 0 messages per second).
  RateDecision attempt(const std::string& key, const config::RateLimit& limit, bool update = true);
  // Counts one action even beyond the limit: it happened anyway (a failed login).
  void record(const std::string& key, const config::RateLimit& limit);

  // Buckets held now: for tests of the sweep.
  std::size_t tracked_keys() const;

 private:
  struct Bucket {
    double level = 0;  // actions not yet drained
    std::int64_t updated_ms = 0;
    double per_second = 0;  // the rate it drains at, for the sweep
  };

  // The bucket's level drained to `now`; 0 for a key not held.
  double level_at(const std::string& key, std::int64_t now, double per_second) const;
  void store(const std::string& key, double level, std::int64_t now, double per_second);
  void sweep_if_due(std::int64_t now);

  Clock now_ms_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::int64_t next_sweep_ms_ = 0;
};

}  // namespace myelin::services
