#include "storage/store/registration_token_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

class RegistrationTokenStoreTest : public StoreTest {
 protected:
  RegistrationTokenStore& tokens() { return store().registration_tokens; }

  void create(const std::string& token, std::optional<std::int64_t> uses_allowed,
              std::optional<std::int64_t> expiry_time = std::nullopt) {
    ASSERT_TRUE(tokens().create({token, uses_allowed, 0, 0, expiry_time}));
  }
  RegistrationToken get(const std::string& token) { return tokens().get(token).value(); }
};

TEST_F(RegistrationTokenStoreTest, CreateGetUpdateRemove) {
  create("abcd", 3, kNow + 1000);
  EXPECT_FALSE(tokens().create({"abcd", std::nullopt, 0, 0, std::nullopt}));
  RegistrationToken t = get("abcd");
  EXPECT_EQ(t.token, "abcd");
  EXPECT_EQ(t.uses_allowed, 3);
  EXPECT_EQ(t.pending, 0);
  EXPECT_EQ(t.completed, 0);
  EXPECT_EQ(t.expiry_time, kNow + 1000);
  EXPECT_FALSE(tokens().get("nope").has_value());

  // Only the named fields change; an inner nullopt means unlimited / never expires.
  RegistrationTokenChange change;
  change.uses_allowed = std::optional<std::int64_t>();
  t = tokens().update("abcd", change).value();
  EXPECT_FALSE(t.uses_allowed.has_value());
  EXPECT_EQ(t.expiry_time, kNow + 1000);
  change = {};
  change.expiry_time = std::optional<std::int64_t>();
  change.uses_allowed = std::optional<std::int64_t>(0);
  t = tokens().update("abcd", change).value();
  EXPECT_EQ(t.uses_allowed, 0);
  EXPECT_FALSE(t.expiry_time.has_value());
  EXPECT_FALSE(tokens().update("nope", change).has_value());

  EXPECT_TRUE(tokens().remove("abcd"));
  EXPECT_FALSE(tokens().remove("abcd"));
  EXPECT_FALSE(tokens().get("abcd").has_value());
}

TEST_F(RegistrationTokenStoreTest, ValidityCountsPendingAndCompletedAndExpiry) {
  create("limited", 2);
  create("unlimited", std::nullopt);
  create("expiring", std::nullopt, kNow);
  create("zero", 0);

  EXPECT_TRUE(tokens().is_valid("limited", kNow));
  EXPECT_TRUE(tokens().is_valid("unlimited", kNow));
  // expiry_time is the latest time the token is valid.
  EXPECT_TRUE(tokens().is_valid("expiring", kNow));
  EXPECT_FALSE(tokens().is_valid("expiring", kNow + 1));
  EXPECT_FALSE(tokens().is_valid("zero", kNow));  // uses_allowed 0 disables a token
  EXPECT_FALSE(tokens().is_valid("missing", kNow));

  EXPECT_TRUE(tokens().reserve("limited", "s1", kNow));
  EXPECT_TRUE(tokens().reserve("limited", "s2", kNow));
  EXPECT_FALSE(tokens().is_valid("limited", kNow));  // two pending uses fill it
  EXPECT_FALSE(tokens().reserve("limited", "s3", kNow));
  EXPECT_TRUE(tokens().finish("s1", true));
  EXPECT_FALSE(tokens().is_valid("limited", kNow));  // completed counts too
  EXPECT_TRUE(tokens().finish("s2", false));         // a failed registration gives it back
  EXPECT_TRUE(tokens().is_valid("limited", kNow));
  RegistrationToken t = get("limited");
  EXPECT_EQ(t.pending, 0);
  EXPECT_EQ(t.completed, 1);

  EXPECT_FALSE(tokens().reserve("expiring", "s4", kNow + 1));
  EXPECT_FALSE(tokens().reserve("zero", "s5", kNow));
  EXPECT_FALSE(tokens().reserve("missing", "s6", kNow));

  for (int i = 0; i < 100; ++i) {
    const std::string session = "u" + std::to_string(i);
    ASSERT_TRUE(tokens().reserve("unlimited", session, kNow));
    ASSERT_TRUE(tokens().claim("unlimited", session, kNow));
    ASSERT_TRUE(tokens().finish(session, true));
  }
  EXPECT_EQ(get("unlimited").completed, 100);
  EXPECT_EQ(get("unlimited").pending, 0);

  auto names = [](const std::vector<RegistrationToken>& list) {
    std::vector<std::string> out;
    for (const RegistrationToken& token : list) out.push_back(token.token);
    return out;
  };
  EXPECT_EQ(names(tokens().list(std::nullopt, kNow + 1)),
            (std::vector<std::string>{"expiring", "limited", "unlimited", "zero"}));
  EXPECT_EQ(names(tokens().list(true, kNow + 1)),
            (std::vector<std::string>{"limited", "unlimited"}));
  EXPECT_EQ(names(tokens().list(false, kNow + 1)), (std::vector<std::string>{"expiring", "zero"}));
}

TEST_F(RegistrationTokenStoreTest, ASessionHoldsOneReservation) {
  create("a", 5);
  create("b", 5);
  EXPECT_TRUE(tokens().reserve("a", "s", kNow));
  EXPECT_TRUE(tokens().reserve("a", "s", kNow + 1));  // again: still one use
  EXPECT_EQ(get("a").pending, 1);
  EXPECT_TRUE(tokens().reserve("b", "s", kNow + 2));  // another token: the first is given back
  EXPECT_EQ(get("a").pending, 0);
  EXPECT_EQ(get("b").pending, 1);

  EXPECT_TRUE(tokens().claim("b", "s", kNow + 3));
  EXPECT_FALSE(tokens().claim("b", "s", kNow + 3));  // a second request of the same session
  EXPECT_FALSE(tokens().claim("a", "s", kNow + 3));
  EXPECT_EQ(get("b").pending, 1);
  EXPECT_TRUE(tokens().finish("s", true));
  EXPECT_FALSE(tokens().finish("s", true));  // finished once only
  EXPECT_EQ(get("b").pending, 0);
  EXPECT_EQ(get("b").completed, 1);

  // A claim without a reservation (released after a failed attempt) needs a use of its own.
  create("one", 1);
  EXPECT_TRUE(tokens().reserve("one", "x", kNow));
  EXPECT_TRUE(tokens().finish("x", false));
  EXPECT_TRUE(tokens().reserve("one", "y", kNow));
  EXPECT_FALSE(tokens().claim("one", "x", kNow));  // y holds the only use
  EXPECT_TRUE(tokens().claim("one", "y", kNow));
  EXPECT_TRUE(tokens().finish("y", true));
  EXPECT_EQ(get("one").completed, 1);
  EXPECT_EQ(get("one").pending, 0);
}

TEST_F(RegistrationTokenStoreTest, StaleReservationsAreReleased) {
  create("t", 2);
  EXPECT_TRUE(tokens().reserve("t", "old1", kNow));
  EXPECT_TRUE(tokens().reserve("t", "old2", kNow + 10));
  EXPECT_FALSE(tokens().reserve("t", "new", kNow + 20));
  EXPECT_EQ(tokens().release_stale(kNow + 5), 1);  // only reservations made before the cut
  EXPECT_EQ(get("t").pending, 1);
  EXPECT_TRUE(tokens().reserve("t", "new", kNow + 20));
  EXPECT_TRUE(tokens().claim("t", "new", kNow + 30));  // a claim refreshes the reservation
  EXPECT_EQ(tokens().release_stale(kNow + 25), 1);     // old2 goes, the claim stays
  EXPECT_EQ(get("t").pending, 1);
  EXPECT_FALSE(tokens().finish("old1", false));  // already released: not released twice
  EXPECT_TRUE(tokens().finish("new", true));
  RegistrationToken t = get("t");
  EXPECT_EQ(t.pending, 0);
  EXPECT_EQ(t.completed, 1);

  // Deleting a token drops its reservations with it.
  create("gone", 1);
  EXPECT_TRUE(tokens().reserve("gone", "g", kNow));
  EXPECT_TRUE(tokens().remove("gone"));
  EXPECT_FALSE(tokens().finish("g", true));
}

TEST_F(RegistrationTokenStoreTest, SurvivesARestart) {
  create("keep", 4, kNow + 5);
  EXPECT_TRUE(tokens().reserve("keep", "s", kNow));
  reopen();
  RegistrationToken t = get("keep");
  EXPECT_EQ(t.pending, 1);
  EXPECT_EQ(t.uses_allowed, 4);
  EXPECT_EQ(t.expiry_time, kNow + 5);
  EXPECT_TRUE(tokens().finish("s", true));
  EXPECT_EQ(get("keep").completed, 1);
}

// The race the conditional UPDATE exists for: many sessions reserving a few uses at once.
TEST_F(RegistrationTokenStoreTest, ConcurrentReservationsNeverOverspend) {
  create("race", 10);
  std::atomic<int> reserved = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t, &reserved] {
      for (int i = 0; i < 10; ++i) {
        const std::string session = "s" + std::to_string(t) + "_" + std::to_string(i);
        if (tokens().reserve("race", session, kNow)) {
          ++reserved;
          tokens().claim("race", session, kNow);
          tokens().finish(session, true);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(reserved.load(), 10);
  RegistrationToken t = get("race");
  EXPECT_EQ(t.completed, 10);
  EXPECT_EQ(t.pending, 0);
}

}  // namespace
}  // namespace myelin::storage
