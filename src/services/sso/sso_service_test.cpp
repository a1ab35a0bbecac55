#include "services/sso/sso_service.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <memory>

#include "services/common/service_test_fixture.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

config::Config sso_config(const sqlite::TempDir&) {
  config::Config config;
  config.server_name = "test.local";
  config.public_baseurl = "https://matrix.test.local/";
  config::OidcProviderConfig strict;
  strict.idp_id = "oidc-strict";
  strict.issuer = "https://idp.invalid";
  strict.client_id = "c";
  strict.localpart_template = "{{ user.preferred_username | lower }}";
  strict.display_name_template = "{{ user.name }}";
  strict.email_template = "{{ user.email }}";
  config::OidcProviderConfig linking = strict;
  linking.idp_id = "oidc-linking";
  linking.allow_existing_users = true;
  config.oidc_providers = {strict, linking};
  return config;
}

// SsoService's mapping and token login over a migrated SQLite file (no provider is contacted:
// claims are handed in as the provider would have).
class SsoServiceTest : public testing::ServiceTestFixture {
 protected:
  SsoServiceTest() : ServiceTestFixture(sso_config), accounts_(ctx_), sso_(ctx_, accounts_) {}

  std::string map(const std::string& idp, const char* claims) {
    return run(sso_.map_user(idp, bj::parse(claims).as_object()));
  }
  std::string error_of_map(const std::string& idp, const char* claims) {
    try {
      map(idp, claims);
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }

  AccountService accounts_;
  SsoService sso_;
};

TEST_F(SsoServiceTest, ListsProvidersAndTheCallback) {
  EXPECT_TRUE(sso_.enabled());
  ASSERT_EQ(sso_.providers().size(), 2u);
  EXPECT_EQ(sso_.providers()[1]->idp_id, "oidc-linking");
  EXPECT_EQ(sso_.callback_url(), "https://matrix.test.local/_synapse/client/oidc/callback");
}

TEST_F(SsoServiceTest, NewIdentityRegistersAndReturnsToTheSameAccount) {
  const char* alice =
      R"({"sub": "s-1", "preferred_username": "Alice Smith", "name": "Alice", "email": "A@X.org"})";
  EXPECT_EQ(map("oidc-strict", alice), "@alice=20smith:test.local");
  EXPECT_EQ(store_->accounts.profile("@alice=20smith:test.local").displayname, "Alice");
  // The username changed at the provider: still the same account, found by subject.
  EXPECT_EQ(map("oidc-strict", R"({"sub": "s-1", "preferred_username": "renamed"})"),
            "@alice=20smith:test.local");
  EXPECT_EQ(store_->external_ids.user_of("oidc-strict", "s-1"), "@alice=20smith:test.local");
  EXPECT_EQ(store_->threepids.user_of("email", "a@x.org"), "@alice=20smith:test.local");
}

TEST_F(SsoServiceTest, TakenLocalpartsGetANumberUnlessLinkingIsAllowed) {
  NewAccount bob;
  bob.localpart = "bob";
  bob.inhibit_login = true;
  run(accounts_.register_account(bob));
  EXPECT_EQ(map("oidc-strict", R"({"sub": "b-1", "preferred_username": "Bob"})"),
            "@bob1:test.local");
  EXPECT_EQ(map("oidc-strict", R"({"sub": "b-2", "preferred_username": "bob"})"),
            "@bob2:test.local");
  EXPECT_EQ(map("oidc-linking", R"({"sub": "b-9", "preferred_username": "bob"})"),
            "@bob:test.local");
  EXPECT_EQ(map("oidc-linking", R"({"sub": "b-9", "preferred_username": "other"})"),
            "@bob:test.local");
}

TEST_F(SsoServiceTest, RefusesUnusableClaimsAndDeactivatedAccounts) {
  EXPECT_EQ(error_of_map("oidc-strict", R"({"preferred_username": "x"})"), "M_FORBIDDEN");
  EXPECT_EQ(error_of_map("oidc-strict", R"({"sub": "s-2"})"), "M_INVALID_USERNAME");
  EXPECT_EQ(error_of_map("oidc-nope", R"({"sub": "s-2"})"), "M_NOT_FOUND");
  const std::string user = map("oidc-strict", R"({"sub": "s-3", "preferred_username": "gone"})");
  run(accounts_.deactivate(user));
  EXPECT_EQ(error_of_map("oidc-strict", R"({"sub": "s-3"})"), "M_USER_DEACTIVATED");
}

TEST_F(SsoServiceTest, LoginTokensAreSingleUseAndExpire) {
  const std::string user = map("oidc-strict", R"({"sub": "s-4", "preferred_username": "tok"})");
  const std::string token = sso_.login_tokens().issue(user, now_ms_);
  LoginResult result = run(sso_.login_with_token(token, std::nullopt, std::string("phone")));
  EXPECT_EQ(result.user_id, user);
  auto session = run(accounts_.authenticate(result.access_token));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->device_id, result.device_id);
  auto code_of = [&](std::string t) {
    try {
      run(sso_.login_with_token(t, std::nullopt, std::nullopt));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return std::string();
  };
  EXPECT_EQ(code_of(token), "M_FORBIDDEN");  // replayed
  EXPECT_EQ(code_of("syl_unknown"), "M_FORBIDDEN");
  const std::string late = sso_.login_tokens().issue(user, now_ms_);
  now_ms_ += sso::LoginTokens::kLifetimeMs;
  EXPECT_EQ(code_of(late), "M_FORBIDDEN");  // expired
}

TEST_F(SsoServiceTest, StartRefusesUnknownProvidersAndNonHttpRedirects) {
  auto code_of = [&](std::string idp, std::string url) {
    try {
      run(sso_.start(idp, url));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return std::string();
  };
  EXPECT_EQ(code_of("oidc-nope", "https://app/"), "M_NOT_FOUND");
  EXPECT_EQ(code_of("oidc-strict", "javascript:alert(1)"), "M_INVALID_PARAM");
}

TEST_F(SsoServiceTest, CallbackWithUnknownStateIsRefused) {
  SsoCompletion done = run(sso_.complete("forged", "code", "", "cookie"));
  EXPECT_TRUE(done.location.empty());
  EXPECT_EQ(done.status, 400);
  done = run(sso_.complete("", "code", "", ""));
  EXPECT_EQ(done.status, 400);
}

}  // namespace
}  // namespace myelin::services
