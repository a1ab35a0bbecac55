#include "services/ratelimit/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace myelin::services {

namespace {

constexpr std::int64_t kSweepIntervalMs = 60'000;
// Floating-point slack: a client that waited exactly retry_after_ms must fit.
constexpr double kSlack = 1e-9;

}  // namespace

RateLimiter::RateLimiter(Clock now_ms) : now_ms_(std::move(now_ms)) {}

RateDecision RateLimiter::attempt(const std::string& key, const config::RateLimit& limit,
                                  bool update) {
  if (limit.per_second <= 0) return {};  // unlimited: an admin's 0/0 override
  const std::int64_t now = now_ms_();
  std::lock_guard lock(mutex_);
  sweep_if_due(now);
  const double level = level_at(key, now, limit.per_second);
  if (level + 1 <= limit.burst_count + kSlack) {
    if (update) store(key, level + 1, now, limit.per_second);
    return {};
  }
  // One more action fits once the bucket has drained to burst_count - 1.
  const double wait_seconds = (level + 1 - limit.burst_count) / limit.per_second;
  return {false,
          std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_seconds * 1000)))};
}

void RateLimiter::record(const std::string& key, const config::RateLimit& limit) {
  if (limit.per_second <= 0) return;
  const std::int64_t now = now_ms_();
  std::lock_guard lock(mutex_);
  sweep_if_due(now);
  store(key, level_at(key, now, limit.per_second) + 1, now, limit.per_second);
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

double RateLimiter::level_at(const std::string& key, std::int64_t now, double per_second) const {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  const double elapsed =
      static_cast<double>(std::max<std::int64_t>(0, now - it->second.updated_ms));
  return std::max(0.0, it->second.level - elapsed / 1000 * per_second);
}

void RateLimiter::store(const std::string& key, double level, std::int64_t now, double per_second) {
  buckets_[key] = Bucket{level, now, per_second};
}

void RateLimiter::sweep_if_due(std::int64_t now) {
  if (now < next_sweep_ms_) return;
  next_sweep_ms_ = now + kSweepIntervalMs;
  std::erase_if(buckets_, [now](const auto& entry) {
    const Bucket& bucket = entry.second;
    const double drained = static_cast<double>(now - bucket.updated_ms) / 1000 * bucket.per_second;
    return drained >= bucket.level;
  });
}

}  // namespace myelin::services
