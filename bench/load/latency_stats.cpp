#include "bench/load/latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace myelin::loadgen {

void LatencyStats::add(std::chrono::steady_clock::duration sample) {
  samples_ms_.push_back(std::chrono::duration<double, std::milli>(sample).count());
  sorted_ = false;
}

void LatencyStats::merge(const LatencyStats& other) {
  samples_ms_.insert(samples_ms_.end(), other.samples_ms_.begin(), other.samples_ms_.end());
  sorted_ = false;
}

double LatencyStats::percentile_ms(double p) const {
  if (samples_ms_.empty()) return 0;
  if (!sorted_) {
    // Sorting in a const accessor: the samples are only ever reordered, never changed.
    auto& samples = const_cast<std::vector<double>&>(samples_ms_);
    std::sort(samples.begin(), samples.end());
    sorted_ = true;
  }
  const double rank = std::ceil(p / 100.0 * static_cast<double>(samples_ms_.size()));
  const std::size_t index =
      rank < 1 ? 0 : std::min(samples_ms_.size() - 1, static_cast<std::size_t>(rank) - 1);
  return samples_ms_[index];
}

double LatencyStats::max_ms() const {
  return samples_ms_.empty() ? 0 : *std::max_element(samples_ms_.begin(), samples_ms_.end());
}

double LatencyStats::mean_ms() const {
  if (samples_ms_.empty()) return 0;
  return std::accumulate(samples_ms_.begin(), samples_ms_.end(), 0.0) /
         static_cast<double>(samples_ms_.size());
}

}  // namespace myelin::loadgen
