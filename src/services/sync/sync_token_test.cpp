#include "services/sync/sync_token.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace myelin::services {
namespace {

TEST(SyncTokenTest, RoundTrips) {
  SyncToken token{12, 3, std::nullopt};
  EXPECT_EQ(token.to_string(), "s12_3");
  auto parsed = SyncToken::parse("s12_3");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->position, 12);
  EXPECT_EQ(parsed->typing, 3u);

  SyncToken big{std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::uint64_t>::max(),
                std::nullopt};
  auto again = SyncToken::parse(big.to_string());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->position, big.position);
  EXPECT_EQ(again->typing, big.typing);

  auto zero = SyncToken::parse(SyncToken{}.to_string());
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(zero->position, 0);
  EXPECT_EQ(zero->typing, 0u);
}

TEST(SyncTokenTest, CarriesToDevicePositionOnlyWhenBehind) {
  SyncToken behind{12, 3, 9};
  EXPECT_EQ(behind.to_string(), "s12_3_9");
  auto parsed = SyncToken::parse("s12_3_9");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->position, 12);
  EXPECT_EQ(parsed->typing, 3u);
  EXPECT_EQ(parsed->to_device_position(), 9);
  // Caught up: the short form, and the to-device position is the stream position.
  EXPECT_EQ((SyncToken{12, 3, 12}).to_string(), "s12_3");
  EXPECT_EQ(SyncToken::parse("s12_3")->to_device_position(), 12);
}

TEST(SyncTokenTest, RefusesWhatWeDidNotIssue) {
  for (const char* bad :
       {"",        "s",     "s1",    "s1_",    "s_1",   "s12",   "x12_3",
        "S12_3",   "s-1_3", "s1_-3", "s1_2_3", "s1a_3", "s5_1_", "s5_1_2_3",
        "s5_1_-2", "s5__2", "s1_3 ", " s1_3",  "s+1_3", "t12",   "s99999999999999999999_1"}) {
    EXPECT_FALSE(SyncToken::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(PaginationTokenTest, RoundTripsAndAcceptsSyncTokens) {
  EXPECT_EQ(pagination_token(42), "t42");
  EXPECT_EQ(parse_pagination_token("t42"), 42);
  EXPECT_EQ(parse_pagination_token("t0"), 0);
  // A client may paginate from a sync's next_batch.
  EXPECT_EQ(parse_pagination_token("s17_4"), 17);
  // Backfilled history sits below zero.
  EXPECT_EQ(pagination_token(-31), "t-31");
  EXPECT_EQ(parse_pagination_token("t-31"), -31);
  for (const char* bad : {"", "t", "t-", "t+1", "t--1", "tx", "42", "s17", "t4 2", "T42"}) {
    EXPECT_FALSE(parse_pagination_token(bad).has_value()) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace myelin::services
