#include "services/federation/sender/retry_backoff.hpp"

#include <algorithm>

namespace myelin::services {

std::int64_t RetryBackoff::next_interval(std::int64_t previous_ms, double random01) const {
  const std::int64_t base =
      previous_ms <= 0 ? min_interval_ms : std::min(previous_ms * 2, max_interval_ms);
  const double factor = 1.0 - jitter + 2.0 * jitter * std::clamp(random01, 0.0, 1.0);
  const auto stretched = static_cast<std::int64_t>(static_cast<double>(base) * factor);
  return std::clamp(stretched, min_interval_ms, max_interval_ms);
}

}  // namespace myelin::services
