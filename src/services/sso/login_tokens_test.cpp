#include "services/sso/login_tokens.hpp"

#include <gtest/gtest.h>

#include "services/sso/oidc_sessions.hpp"

namespace myelin::services::sso {
namespace {

TEST(LoginTokens, SingleUseAndTwoMinutes) {
  LoginTokens tokens;
  const std::string a = tokens.issue("@a:x", 1000);
  const std::string b = tokens.issue("@b:x", 1000);
  EXPECT_NE(a, b);
  EXPECT_EQ(tokens.consume(a, 1000 + LoginTokens::kLifetimeMs - 1), "@a:x");
  EXPECT_FALSE(tokens.consume(a, 1001));                             // used
  EXPECT_FALSE(tokens.consume(b, 1000 + LoginTokens::kLifetimeMs));  // expired
  EXPECT_FALSE(tokens.consume("syl_made_up", 1000));
  EXPECT_FALSE(tokens.consume("", 1000));
}

TEST(OidcSessions, BoundToTheBrowserAndUsedOnce) {
  OidcSessions sessions;
  OidcSession session;
  session.idp_id = "oidc";
  session.nonce = "n";
  session.browser_binding = "cookie-1";
  const std::string state = sessions.start(session, 0);
  EXPECT_FALSE(sessions.take("other-state", "cookie-1", 1));
  auto found = sessions.take(state, "cookie-1", 1);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->nonce, "n");
  EXPECT_FALSE(sessions.take(state, "cookie-1", 2));  // replayed

  const std::string other = sessions.start(session, 0);
  EXPECT_FALSE(sessions.take(other, "cookie-2", 1));  // another browser; the state is burnt
  EXPECT_FALSE(sessions.take(other, "cookie-1", 1));
  const std::string late = sessions.start(session, 0);
  EXPECT_FALSE(sessions.take(late, "cookie-1", OidcSessions::kLifetimeMs));
  const std::string no_cookie = sessions.start(session, 0);
  EXPECT_FALSE(sessions.take(no_cookie, "", 1));
}

}  // namespace
}  // namespace myelin::services::sso
