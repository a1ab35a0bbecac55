#include "config/rate_limit_settings.hpp"

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = testing::kMinimalConfig;

using testing::has_error;

void expect_limit(const RateLimit& limit, double per_second, double burst_count, const char* name) {
  EXPECT_DOUBLE_EQ(limit.per_second, per_second) << name;
  EXPECT_DOUBLE_EQ(limit.burst_count, burst_count) << name;
}

TEST(RateLimitSettings, DefaultsAreSynapses) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  const RateLimitConfig& rc = result.config->rate_limits;
  expect_limit(rc.message, 0.2, 10, "rc_message");
  expect_limit(rc.registration, 0.17, 3, "rc_registration");
  expect_limit(rc.registration_token_validity, 0.1, 5, "rc_registration_token_validity");
  expect_limit(rc.login_address, 0.003, 5, "rc_login.address");
  expect_limit(rc.login_account, 0.003, 5, "rc_login.account");
  expect_limit(rc.login_failed_attempts, 0.17, 3, "rc_login.failed_attempts");
  expect_limit(rc.joins_local, 0.1, 10, "rc_joins.local");
  expect_limit(rc.joins_remote, 0.01, 10, "rc_joins.remote");
  expect_limit(rc.invites_per_room, 0.3, 10, "rc_invites.per_room");
  expect_limit(rc.invites_per_user, 0.003, 5, "rc_invites.per_user");
  expect_limit(rc.invites_per_issuer, 0.3, 10, "rc_invites.per_issuer");
  expect_limit(rc.threepid_validation, 0.003, 5, "rc_3pid_validation");
  EXPECT_FALSE(rc.admin_redaction);
}

TEST(RateLimitSettings, ReadsEveryKeyAndKeepsDefaultsOfFieldsLeftOut) {
  LoadResult result =
      load_config_text(kBase +
                           "rc_message: {per_second: 0.5, burst_count: 15}\n"
                           "rc_registration: {burst_count: 2}\n"
                           "rc_login:\n"
                           "  address: {per_second: 0.15, burst_count: 5}\n"
                           "  failed_attempts: {per_second: 0.19}\n"
                           "rc_joins: {remote: {per_second: 0.03, burst_count: 12}}\n"
                           "rc_invites: {per_user: {per_second: 0.004, burst_count: 3}}\n"
                           "rc_admin_redaction: {per_second: 1, burst_count: 50}\n"
                           "rc_3pid_validation: {per_second: 1, burst_count: 2}\n",
                       "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  const RateLimitConfig& rc = result.config->rate_limits;
  expect_limit(rc.message, 0.5, 15, "rc_message");
  expect_limit(rc.registration, 0.17, 2, "rc_registration");
  expect_limit(rc.login_address, 0.15, 5, "rc_login.address");
  expect_limit(rc.login_account, 0.003, 5, "rc_login.account");
  expect_limit(rc.login_failed_attempts, 0.19, 3, "rc_login.failed_attempts");
  expect_limit(rc.joins_local, 0.1, 10, "rc_joins.local");
  expect_limit(rc.joins_remote, 0.03, 12, "rc_joins.remote");
  expect_limit(rc.invites_per_user, 0.004, 3, "rc_invites.per_user");
  expect_limit(rc.invites_per_room, 0.3, 10, "rc_invites.per_room");
  ASSERT_TRUE(rc.admin_redaction);
  expect_limit(*rc.admin_redaction, 1, 50, "rc_admin_redaction");
  expect_limit(rc.threepid_validation, 1, 2, "rc_3pid_validation");
}

TEST(RateLimitSettings, RefusesBadValuesAndUnknownKeys) {
  LoadResult result = load_config_text(kBase +
                                           "rc_message: {per_second: fast, burst_count: 0}\n"
                                           "rc_registration: {per_second: 0, per_minute: 3}\n"
                                           "rc_login: {address: {burst_count: -1}, device: {}}\n"
                                           "rc_joins: 5\n",
                                       "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "rc_message.per_second", "non-negative number"));
  EXPECT_TRUE(has_error(result, "rc_message.burst_count", "at least 1"));
  EXPECT_TRUE(has_error(result, "rc_registration.per_second", "above 0"));
  EXPECT_TRUE(has_error(result, "rc_registration.per_minute", "unknown key"));
  EXPECT_TRUE(has_error(result, "rc_login.address.burst_count", "non-negative number"));
  EXPECT_TRUE(has_error(result, "rc_login.device", "unknown key"));
  EXPECT_TRUE(has_error(result, "rc_joins", "mapping"));
}

}  // namespace
}  // namespace myelin::config
