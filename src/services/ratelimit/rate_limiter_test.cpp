#include "services/ratelimit/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace myelin::services {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  std::int64_t now_ = 1'000'000;
  RateLimiter limiter_{[this] { return now_; }};
};

TEST_F(RateLimiterTest, AllowsABurstThenRefusesWithTheTimeUntilTheNextFits) {
  const config::RateLimit limit{0.5, 3};  // one action every 2 s after a burst of 3
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter_.attempt("a", limit).allowed) << i;
  RateDecision refused = limiter_.attempt("a", limit);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 2000);
  now_ += 500;
  EXPECT_EQ(limiter_.attempt("a", limit).retry_after_ms, 1500);  // refusals do not count
  now_ += 1499;
  EXPECT_FALSE(limiter_.attempt("a", limit).allowed);
  now_ += 1;
  EXPECT_TRUE(limiter_.attempt("a", limit).allowed);
  EXPECT_FALSE(limiter_.attempt("a", limit).allowed);
}

TEST_F(RateLimiterTest, RetryAfterIsRoundedUpSoThatWaitingItAlwaysSucceeds) {
  const config::RateLimit limit{0.17, 1};  // Synapse's rc_registration rate
  ASSERT_TRUE(limiter_.attempt("ip", limit).allowed);
  RateDecision refused = limiter_.attempt("ip", limit);
  ASSERT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 5883);  // 1 / 0.17 s = 5882.35 ms
  now_ += refused.retry_after_ms;
  EXPECT_TRUE(limiter_.attempt("ip", limit).allowed);
}

TEST_F(RateLimiterTest, KeysAreIndependent) {
  const config::RateLimit limit{0.1, 1};
  EXPECT_TRUE(limiter_.attempt("@a:x", limit).allowed);
  EXPECT_FALSE(limiter_.attempt("@a:x", limit).allowed);
  EXPECT_TRUE(limiter_.attempt("@b:x", limit).allowed);
}

TEST_F(RateLimiterTest, AskingWithoutUpdateCountsNothing) {
  const config::RateLimit limit{1, 2};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter_.attempt("k", limit, false).allowed);
  EXPECT_TRUE(limiter_.attempt("k", limit).allowed);
  EXPECT_TRUE(limiter_.attempt("k", limit).allowed);
  EXPECT_FALSE(limiter_.attempt("k", limit, false).allowed);
}

TEST_F(RateLimiterTest, RecordCountsBeyondTheLimit) {
  const config::RateLimit limit{1, 2};
  for (int i = 0; i < 4; ++i) limiter_.record("k", limit);
  RateDecision refused = limiter_.attempt("k", limit, false);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ms, 3000);  // 4 in the bucket must drain to 1
}

TEST_F(RateLimiterTest, ALimitWithoutRateIsNoLimit) {
  const config::RateLimit unlimited{0, 0};
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter_.attempt("k", unlimited).allowed);
  EXPECT_EQ(limiter_.tracked_keys(), 0u);
}

TEST_F(RateLimiterTest, TheLimitMayChangeBetweenCalls) {
  EXPECT_TRUE(limiter_.attempt("k", {1, 1}).allowed);
  EXPECT_FALSE(limiter_.attempt("k", {1, 1}).allowed);
  EXPECT_TRUE(limiter_.attempt("k", {1, 5}).allowed);  // an admin raised the burst
}

TEST_F(RateLimiterTest, DrainedKeysAreSweptAndActiveOnesKept) {
  const config::RateLimit fast{10, 5};
  const config::RateLimit slow{0.001, 5};
  for (int i = 0; i < 1000; ++i) limiter_.attempt("ip" + std::to_string(i), fast);
  limiter_.attempt("busy", slow);
  EXPECT_EQ(limiter_.tracked_keys(), 1001u);
  now_ += 61'000;
  limiter_.attempt("other", fast);  // the first call after a minute sweeps
  EXPECT_EQ(limiter_.tracked_keys(), 2u);
  limiter_.attempt("busy", slow);  // "busy" kept its count: 2 actions now
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter_.attempt("busy", slow).allowed);
  EXPECT_FALSE(limiter_.attempt("busy", slow).allowed);
}

TEST_F(RateLimiterTest, ConcurrentCallersNeverExceedTheBurst) {
  const config::RateLimit limit{0.001, 100};
  std::atomic<int> allowed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (limiter_.attempt("shared", limit).allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace myelin::services
