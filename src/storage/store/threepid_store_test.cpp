#include "storage/store/threepid_store.hpp"

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class ThreepidStoreTest : public StoreTest {
 protected:
  ThreepidStore& threepids() { return store().threepids; }
};

TEST_F(ThreepidStoreTest, AnAddressBelongsToOneAccount) {
  EXPECT_TRUE(threepids().add({"email", "alice@example.org", "@alice:x", 10, 11}));
  EXPECT_FALSE(threepids().add({"email", "alice@example.org", "@bob:x", 12, 13}));
  EXPECT_TRUE(threepids().add({"email", "alice2@example.org", "@alice:x", 14, 15}));
  EXPECT_EQ(threepids().user_of("email", "alice@example.org"), "@alice:x");
  EXPECT_EQ(threepids().user_of("msisdn", "alice@example.org"), std::nullopt);

  std::vector<Threepid> mine = threepids().threepids_of("@alice:x");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].address, "alice@example.org");
  EXPECT_EQ(mine[0].validated_at, 10);
  EXPECT_EQ(mine[0].added_at, 11);
  EXPECT_TRUE(threepids().threepids_of("@bob:x").empty());

  EXPECT_FALSE(threepids().remove("@bob:x", "email", "alice@example.org"));
  EXPECT_TRUE(threepids().remove("@alice:x", "email", "alice@example.org"));
  EXPECT_EQ(threepids().user_of("email", "alice@example.org"), std::nullopt);
  reopen();
  EXPECT_EQ(threepids().threepids_of("@alice:x").size(), 1u);
}

TEST_F(ThreepidStoreTest, SessionsValidateWithTheirTokenBeforeItExpires) {
  ThreepidValidationSession session{
      "sid1", "email", "a@b.c", "secret", 1, "tok", 1000, {}, "https://app.example/done"};
  threepids().save_session(session);
  EXPECT_EQ(threepids().session_for("secret", "email", "a@b.c")->sid, "sid1");
  EXPECT_EQ(threepids().session("sid1")->next_link, "https://app.example/done");
  EXPECT_EQ(threepids().session_for("other", "email", "a@b.c"), std::nullopt);

  EXPECT_EQ(threepids().validate("sid1", "secret", "wrong", 10), std::nullopt);
  EXPECT_EQ(threepids().validate("sid1", "wrong", "tok", 10), std::nullopt);
  EXPECT_EQ(threepids().validate("sid1", "secret", "tok", 1000), std::nullopt);  // expired
  EXPECT_FALSE(threepids().session("sid1")->validated_at);

  auto validated = threepids().validate("sid1", "secret", "tok", 500);
  ASSERT_TRUE(validated);
  EXPECT_EQ(validated->validated_at, 500);
  EXPECT_EQ(threepids().validate("sid1", "secret", "tok", 600)->validated_at, 500);

  // A new send attempt replaces the token.
  session.send_attempt = 2;
  session.token = "tok2";
  session.token_expires = 5000;
  session.validated_at = std::nullopt;
  session.next_link = std::nullopt;
  threepids().save_session(session);
  EXPECT_EQ(threepids().session("sid1")->next_link, std::nullopt);
  EXPECT_EQ(threepids().session("sid1")->send_attempt, 2);
  EXPECT_EQ(threepids().validate("sid1", "secret", "tok", 700), std::nullopt);
  EXPECT_TRUE(threepids().validate("sid1", "secret", "tok2", 700));
}

TEST_F(ThreepidStoreTest, OldSessionsAreSwept) {
  threepids().save_session({"old", "email", "a@b.c", "s1", 1, "t", 100, {}});
  threepids().save_session({"live", "email", "a@b.c", "s2", 1, "t", 5000, {}});
  threepids().save_session({"used", "email", "a@b.c", "s3", 1, "t", 5000, 50});
  EXPECT_EQ(threepids().remove_sessions_before(1000), 2);
  EXPECT_FALSE(threepids().session("old"));
  EXPECT_FALSE(threepids().session("used"));
  EXPECT_TRUE(threepids().session("live"));
  threepids().remove_session("live");
  EXPECT_FALSE(threepids().session("live"));
}

}  // namespace
}  // namespace myelin::storage
