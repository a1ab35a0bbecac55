#include "services/ratelimit/rate_limits.hpp"

#include <gtest/gtest.h>

#include "services/common/service_test_fixture.hpp"
#include "storage/store/test_store.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;

// RateLimits over a real store and pools, with a clock the test moves.
class RateLimitsTest : public testing::ServiceTestFixture {
 protected:
  RateLimitsTest() : ServiceTestFixture(default_config, 1) {
    config_.rate_limits.message = {1, 2};
    config_.rate_limits.joins_local = {1, 1};
    config_.rate_limits.invites_per_room = {1, 5};
    config_.rate_limits.invites_per_user = {1, 1};
    config_.rate_limits.invites_per_issuer = {1, 5};
    limits_ = std::make_unique<RateLimits>(ctx_);
  }

  // The retry_after_ms of the limit `work` runs into; -1 when it is allowed.
  std::int64_t refusal(asio::awaitable<void> work) {
    try {
      run(std::move(work));
      return -1;
    } catch (const MatrixError& e) {
      EXPECT_EQ(e.code(), ErrCode::kLimitExceeded);
      EXPECT_EQ(e.status(), 429);
      return e.extra().at("retry_after_ms").as_int64();
    }
  }

  asio::awaitable<void> message(std::string user, std::optional<std::string> redacts = {}) {
    co_await limits_->check_message(std::move(user), std::move(redacts));
  }

  std::unique_ptr<RateLimits> limits_;
};

TEST_F(RateLimitsTest, MessagesPerUserWithOverrides) {
  EXPECT_EQ(refusal(message("@a:test.local")), -1);
  EXPECT_EQ(refusal(message("@a:test.local")), -1);
  EXPECT_EQ(refusal(message("@a:test.local")), 1000);
  EXPECT_EQ(refusal(message("@b:test.local")), -1);

  // 0 messages per second: no limit at all, and nothing counted.
  run(limits_->set_override("@a:test.local", {0, 0}));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(refusal(message("@a:test.local")), -1);
  // A rate of its own replaces rc_message's.
  run(limits_->set_override("@a:test.local", {1, 4}));
  EXPECT_EQ(refusal(message("@a:test.local")), -1);
  EXPECT_EQ(refusal(message("@a:test.local")), -1);
  EXPECT_EQ(refusal(message("@a:test.local")), 1000);
  EXPECT_TRUE(run(limits_->remove_override("@a:test.local")));
  EXPECT_FALSE(run(limits_->override_of("@a:test.local")));
  EXPECT_EQ(refusal(message("@a:test.local")), 3000);  // 4 in the bucket, burst 2 again
}

TEST_F(RateLimitsTest, OverridesAreReadFromTheStore) {
  store_->rate_limit_overrides.set("@c:test.local", {0, 0});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(refusal(message("@c:test.local")), -1);
  auto found = run(limits_->override_of("@c:test.local"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->messages_per_second, 0);
}

TEST_F(RateLimitsTest, AdminRedactionHasItsOwnLimitWhenConfigured) {
  storage::NewEvent event;
  event.event = storage::test_event("$theirs", "!r:test.local", "m.room.message", std::nullopt,
                                    "@spammer:test.local");
  store_->events.persist(event);
  event.event = storage::test_event("$mine", "!r:test.local", "m.room.message", std::nullopt,
                                    "@mod:test.local");
  store_->events.persist(event);
  config_.rate_limits.admin_redaction = config::RateLimit{1, 5};
  limits_ = std::make_unique<RateLimits>(ctx_);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(refusal(message("@mod:test.local", std::string("$theirs"))), -1) << i;
  }
  EXPECT_EQ(refusal(message("@mod:test.local", std::string("$theirs"))), 1000);
  // Redacting one's own event is an ordinary message, with rc_message's budget untouched.
  EXPECT_EQ(refusal(message("@mod:test.local", std::string("$mine"))), -1);
  EXPECT_EQ(refusal(message("@mod:test.local", std::string("$mine"))), -1);
  EXPECT_EQ(refusal(message("@mod:test.local", std::string("$mine"))), 1000);
}

TEST_F(RateLimitsTest, JoinsAndInvitesHonourTheOverrideOfZero) {
  EXPECT_EQ(refusal(limits_->check_join("@j:test.local")), -1);
  EXPECT_EQ(refusal(limits_->check_join("@j:test.local")), 1000);
  run(limits_->set_override("@j:test.local", {0, 0}));
  EXPECT_EQ(refusal(limits_->check_join("@j:test.local")), -1);
}

TEST_F(RateLimitsTest, AnInviteIsCountedOnlyWhenEveryLimitAllowsIt) {
  auto invite = [this](std::string invitee) -> asio::awaitable<void> {
    // Named locals: g++ 12 mishandles temporaries passed straight to a co_awaited call.
    std::string inviter = "@host:test.local";
    std::string room_id = "!r:test.local";
    std::optional<std::string> who = std::move(invitee);
    co_await limits_->check_invite(std::move(inviter), std::move(room_id), std::move(who));
  };
  EXPECT_EQ(refusal(invite("@x:test.local")), -1);
  EXPECT_EQ(refusal(invite("@x:test.local")), 1000);  // per invitee: burst 1
  // Refused by the invitee's limit: the room's and the inviter's budgets were not spent, so
  // four more invites (burst 5) fit.
  for (const char* who : {"@y:test.local", "@z:test.local", "@v:test.local", "@w:test.local"}) {
    EXPECT_EQ(refusal(invite(who)), -1) << who;
  }
  EXPECT_EQ(refusal(invite("@u:test.local")), 1000);
}

TEST_F(RateLimitsTest, LoginsPerAccountAndFailures) {
  config_.rate_limits.login_failed_attempts = {0.5, 2};
  config_.rate_limits.login_account = {1, 1};
  limits_ = std::make_unique<RateLimits>(ctx_);
  limits_->check_failed_logins("@l:test.local");  // asking counts nothing
  limits_->check_failed_logins("@l:test.local");
  limits_->record_failed_login("@l:test.local");
  limits_->record_failed_login("@l:test.local");
  try {
    limits_->check_failed_logins("@l:test.local");
    ADD_FAILURE() << "not limited";
  } catch (const MatrixError& e) {
    EXPECT_EQ(e.extra().at("retry_after_ms").as_int64(), 2000);
  }
  now_ms_ += 2000;
  limits_->check_failed_logins("@l:test.local");
  limits_->check_login_account("@l:test.local");
  limits_->record_login("@l:test.local");
  EXPECT_THROW(limits_->check_login_account("@l:test.local"), MatrixError);
}

}  // namespace
}  // namespace myelin::services
