#include "services/federation/discovery/well_known_cache_policy.hpp"

#include <gtest/gtest.h>

namespace myelin::services::discovery {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(WellKnownCachePolicy, DefaultsTo24Hours) {
  EXPECT_EQ(well_known_cache_period(std::nullopt), hours(24));
  EXPECT_EQ(well_known_cache_period("public"), hours(24));
  EXPECT_EQ(well_known_cache_period("max-age=abc"), hours(24));
}

TEST(WellKnownCachePolicy, MaxAgeWithinBounds) {
  EXPECT_EQ(well_known_cache_period("max-age=7200"), hours(2));
  EXPECT_EQ(well_known_cache_period("public, Max-Age=3600 "), hours(1));
  EXPECT_EQ(well_known_cache_period("max-age=\"600\""), minutes(10));
}

TEST(WellKnownCachePolicy, ClampsToMinimumAndMaximum) {
  EXPECT_EQ(well_known_cache_period("max-age=10"), minutes(5));
  EXPECT_EQ(well_known_cache_period("max-age=0"), minutes(5));
  EXPECT_EQ(well_known_cache_period("no-store"), minutes(5));
  EXPECT_EQ(well_known_cache_period("no-cache, max-age=9000"), minutes(5));
  EXPECT_EQ(well_known_cache_period("max-age=31536000"), hours(48));
  EXPECT_EQ(well_known_cache_period("max-age=99999999999999999999999"), hours(48));
}

TEST(WellKnownCachePolicy, UnreachableHostsBackOffExponentially) {
  EXPECT_EQ(well_known_down_period(1), minutes(2));
  EXPECT_EQ(well_known_down_period(2), minutes(4));
  EXPECT_EQ(well_known_down_period(3), minutes(8));
  EXPECT_EQ(well_known_down_period(6), minutes(60));
  EXPECT_EQ(well_known_down_period(100), hours(1));
}

}  // namespace
}  // namespace myelin::services::discovery
