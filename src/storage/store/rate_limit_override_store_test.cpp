#include "storage/store/rate_limit_override_store.hpp"

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class RateLimitOverrideStoreTest : public StoreTest {};

TEST_F(RateLimitOverrideStoreTest, SetReplaceGetAndRemove) {
  RateLimitOverrideStore& overrides = store().rate_limit_overrides;
  EXPECT_FALSE(overrides.get("@a:x"));
  overrides.set("@a:x", {5, 20});
  overrides.set("@b:x", {0, 0});
  auto a = overrides.get("@a:x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->messages_per_second, 5);
  EXPECT_EQ(a->burst_count, 20);
  overrides.set("@a:x", {1, 2});
  EXPECT_EQ(overrides.get("@a:x")->burst_count, 2);
  EXPECT_TRUE(overrides.remove("@a:x"));
  EXPECT_FALSE(overrides.remove("@a:x"));
  EXPECT_FALSE(overrides.get("@a:x"));
  EXPECT_EQ(overrides.get("@b:x")->messages_per_second, 0);
}

TEST_F(RateLimitOverrideStoreTest, SurvivesARestart) {
  store().rate_limit_overrides.set("@a:x", {3, 4});
  reopen();
  auto a = store().rate_limit_overrides.get("@a:x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->messages_per_second, 3);
  EXPECT_EQ(a->burst_count, 4);
}

}  // namespace
}  // namespace myelin::storage
