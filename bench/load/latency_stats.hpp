#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace myelin::loadgen {

// Collects latency samples and answers percentiles (nearest rank) in milliseconds.
class LatencyStats {
 public:
  void add(std::chrono::steady_clock::duration sample);
  void merge(const LatencyStats& other);

  std::size_t count() const { return samples_ms_.size(); }
  // p in [0, 100]; 0 when there are no samples.
  double percentile_ms(double p) const;
  double max_ms() const;
  double mean_ms() const;

 private:
  std::vector<double> samples_ms_;
  mutable bool sorted_ = true;
};

}  // namespace myelin::loadgen
