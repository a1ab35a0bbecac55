#include "services/users/registration_tokens.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "services/common/service_test_fixture.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;

constexpr std::int64_t kStart = testing::kTestStartMs;

// The service over a migrated SQLite file, with a clock the test moves.
class RegistrationTokensTest : public testing::ServiceTestFixture {
 protected:
  RegistrationTokensTest() : tokens_(ctx_) {}

  storage::RegistrationToken create(NewRegistrationToken request) {
    return run(tokens_.create(std::move(request)));
  }
  storage::RegistrationToken get(const std::string& token) {
    return run(tokens_.get(token)).value();
  }

  RegistrationTokens tokens_;
};

TEST_F(RegistrationTokensTest, WellFormedTokens) {
  EXPECT_TRUE(RegistrationTokens::well_formed("aZ09._~-"));
  EXPECT_TRUE(RegistrationTokens::well_formed(std::string(64, 'x')));
  EXPECT_FALSE(RegistrationTokens::well_formed(""));
  EXPECT_FALSE(RegistrationTokens::well_formed(std::string(65, 'x')));
  EXPECT_FALSE(RegistrationTokens::well_formed("a b"));
  EXPECT_FALSE(RegistrationTokens::well_formed("a/b"));
  EXPECT_FALSE(RegistrationTokens::well_formed("\xc3\xa4"));
}

TEST_F(RegistrationTokensTest, CreateGeneratesOrChecks) {
  storage::RegistrationToken generated = create({});
  EXPECT_EQ(generated.token.size(), 16u);
  EXPECT_TRUE(RegistrationTokens::well_formed(generated.token));
  EXPECT_FALSE(generated.uses_allowed.has_value());
  NewRegistrationToken one;
  one.length = 1;
  EXPECT_EQ(create(one).token.size(), 1u);

  NewRegistrationToken named;
  named.token = "abc";
  named.uses_allowed = 0;
  named.expiry_time = kStart;  // now is not in the past
  EXPECT_EQ(create(named).token, "abc");
  EXPECT_NE(
      error_message_of(tokens_.create(named)).find("M_INVALID_PARAM Token already exists: abc"),
      std::string::npos);

  auto refused = [&](NewRegistrationToken request) {
    return error_message_of(tokens_.create(std::move(request))).rfind("M_INVALID_PARAM", 0) == 0;
  };
  NewRegistrationToken empty;
  empty.token = "";
  EXPECT_TRUE(refused(empty));
  NewRegistrationToken spaced;
  spaced.token = "no spaces";
  EXPECT_TRUE(refused(spaced));
  NewRegistrationToken zero_length;
  zero_length.length = 0;
  EXPECT_TRUE(refused(zero_length));
  NewRegistrationToken too_long;
  too_long.length = 65;
  EXPECT_TRUE(refused(too_long));
  NewRegistrationToken negative_uses;
  negative_uses.uses_allowed = -1;
  EXPECT_TRUE(refused(negative_uses));
  NewRegistrationToken expired;
  expired.expiry_time = kStart - 1;
  EXPECT_TRUE(refused(expired));

  storage::RegistrationTokenChange past;
  past.expiry_time = std::optional<std::int64_t>(kStart - 1);
  EXPECT_EQ(error_message_of(tokens_.update("abc", past)),
            "M_INVALID_PARAM expiry_time must not be in the past");
  EXPECT_FALSE(run(tokens_.update("nope", storage::RegistrationTokenChange{})).has_value());
}

// A UIA session that reserved a use and was never heard of again gives it back once it is older
// than a session may idle, so abandoned sign-ups cannot exhaust a token.
TEST_F(RegistrationTokensTest, AbandonedReservationsAreSweptAfterTheUiaTimeout) {
  NewRegistrationToken request;
  request.token = "once";
  request.uses_allowed = 1;
  create(request);
  EXPECT_TRUE(run(tokens_.reserve("once", "abandoned")));
  EXPECT_FALSE(run(tokens_.is_valid("once")));
  EXPECT_FALSE(run(tokens_.reserve("once", "waiting")));

  now_ms_ += RegistrationTokens::kReservationLifetimeMs;  // not yet older than the lifetime
  EXPECT_EQ(get("once").pending, 1);
  now_ms_ += 1;
  EXPECT_EQ(get("once").pending, 0);  // admin reads sweep first
  EXPECT_TRUE(run(tokens_.is_valid("once")));
  EXPECT_TRUE(run(tokens_.reserve("once", "waiting")));
  EXPECT_TRUE(run(tokens_.claim("once", "waiting")));
  run(tokens_.finish("waiting", true));
  storage::RegistrationToken done = get("once");
  EXPECT_EQ(done.pending, 0);
  EXPECT_EQ(done.completed, 1);
  // The abandoned session coming back cannot spend a use that is no longer there.
  EXPECT_FALSE(run(tokens_.claim("once", "abandoned")));
}

}  // namespace
}  // namespace myelin::services
