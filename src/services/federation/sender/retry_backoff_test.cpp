#include "services/federation/sender/retry_backoff.hpp"

#include <gtest/gtest.h>

namespace myelin::services {
namespace {

TEST(RetryBackoffTest, StartsSmallDoublesAndCaps) {
  RetryBackoff backoff{.min_interval_ms = 1000, .max_interval_ms = 60'000, .jitter = 0.0};
  EXPECT_EQ(backoff.next_interval(0, 0.5), 1000);
  EXPECT_EQ(backoff.next_interval(1000, 0.5), 2000);
  EXPECT_EQ(backoff.next_interval(2000, 0.5), 4000);
  EXPECT_EQ(backoff.next_interval(40'000, 0.5), 60'000);
  EXPECT_EQ(backoff.next_interval(60'000, 0.5), 60'000);
}

TEST(RetryBackoffTest, JitterStaysWithinItsBoundsAndTheLimits) {
  RetryBackoff backoff{.min_interval_ms = 1000, .max_interval_ms = 100'000, .jitter = 0.2};
  EXPECT_EQ(backoff.next_interval(10'000, 0.0), 16'000);
  EXPECT_EQ(backoff.next_interval(10'000, 0.999999), 23'999);
  EXPECT_EQ(backoff.next_interval(0, 0.0), 1000);  // never below the minimum
  EXPECT_EQ(backoff.next_interval(90'000, 0.99), 100'000);
  std::int64_t interval = 0;
  for (int i = 0; i < 5; ++i) {
    const std::int64_t next = backoff.next_interval(interval, 0.0);
    EXPECT_GT(next, interval);  // grows even at the lowest draw
    interval = next;
  }
}

}  // namespace
}  // namespace myelin::services
