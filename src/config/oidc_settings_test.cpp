#include "config/oidc_settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "config/yaml_readers.hpp"

namespace myelin::config {
namespace {

struct Result {
  Config config;
  ConfigErrors errors;
  bool has_error(const std::string& key) const {
    for (const ConfigError& e : errors) {
      if (e.key == key) return true;
    }
    return false;
  }
};

Result read(const std::string& yaml) {
  Result result;
  oidc_settings().at(0).read(YAML::Load(yaml), result.config, result.errors);
  return result;
}

TEST(OidcSettings, DefaultsToNoProviders) {
  Result r = read("[]");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.config.oidc_providers.empty());
}

TEST(OidcSettings, ReadsAFullProvider) {
  Result r = read(R"(
- idp_id: keycloak
  idp_name: "Our IdP"
  idp_icon: "mxc://example.org/abc"
  issuer: "https://id.example.org/realms/main"
  client_id: myelin
  client_secret: s3cret
  client_auth_method: client_secret_post
  scopes: [openid, profile, email]
  pkce_method: always
  user_profile_method: userinfo_endpoint
  allow_existing_users: true
  user_mapping_provider:
    config:
      localpart_template: "{{ user.preferred_username | lower }}"
      display_name_template: "{{ user.name }}"
      email_template: "{{ user.email }}"
  attribute_requirements:
    - {attribute: groups, value: staff}
    - {attribute: dept, one_of: [a, b]}
)");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].key << ": " << r.errors[0].reason;
  ASSERT_EQ(r.config.oidc_providers.size(), 1u);
  const OidcProviderConfig& p = r.config.oidc_providers[0];
  EXPECT_EQ(p.idp_id, "oidc-keycloak");
  EXPECT_EQ(p.idp_name, "Our IdP");
  EXPECT_EQ(p.idp_icon, "mxc://example.org/abc");
  EXPECT_EQ(p.client_auth_method, "client_secret_post");
  EXPECT_EQ(p.scopes, (std::vector<std::string>{"openid", "profile", "email"}));
  EXPECT_TRUE(p.discover);
  EXPECT_EQ(p.pkce_method, "always");
  EXPECT_EQ(p.user_profile_method, "userinfo_endpoint");
  EXPECT_TRUE(p.allow_existing_users);
  EXPECT_EQ(p.localpart_template, "{{ user.preferred_username | lower }}");
  EXPECT_EQ(p.display_name_template, "{{ user.name }}");
  ASSERT_EQ(p.attribute_requirements.size(), 2u);
  EXPECT_EQ(p.attribute_requirements[0].values, std::vector<std::string>{"staff"});
  EXPECT_EQ(p.attribute_requirements[1].values, (std::vector<std::string>{"a", "b"}));
}

TEST(OidcSettings, SynapseDefaults) {
  Result r = read("[{issuer: 'https://i', client_id: c, client_secret: s}]");
  ASSERT_TRUE(r.errors.empty());
  const OidcProviderConfig& p = r.config.oidc_providers[0];
  EXPECT_EQ(p.idp_id, "oidc");
  EXPECT_EQ(p.idp_name, "OIDC");
  EXPECT_EQ(p.client_auth_method, "client_secret_basic");
  EXPECT_EQ(p.scopes, std::vector<std::string>{"openid"});
  EXPECT_EQ(p.pkce_method, "auto");
  EXPECT_FALSE(p.allow_existing_users);
  EXPECT_EQ(p.localpart_template, "{{ user.sub }}");
}

TEST(OidcSettings, SecretFromAFile) {
  const std::string path = ::testing::TempDir() + "/oidc_secret";
  std::ofstream(path) << "from-file\n";
  Result r = read("[{issuer: 'https://i', client_id: c, client_secret_path: '" + path + "'}]");
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.oidc_providers[0].client_secret, "from-file");
  EXPECT_TRUE(read("[{issuer: 'https://i', client_id: c, client_secret_path: /nonexistent/x}]")
                  .has_error("oidc_providers[0].client_secret_path"));
}

TEST(OidcSettings, ReportsEveryProblemWithItsKey) {
  Result r = read(R"(
- idp_id: "bad id"
  issuer: "ftp://x"
  client_auth_method: magic
  pkce_method: sometimes
  discover: false
  typo: 1
  attribute_requirements: [{attribute: a}]
- idp_id: two
  client_id: c
  client_auth_method: none
- idp_id: oidc-two
  issuer: "https://i"
  client_id: c
  client_secret: s
)");
  EXPECT_TRUE(r.has_error("oidc_providers[0].idp_id"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].issuer"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].client_id"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].client_auth_method"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].pkce_method"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].typo"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].authorization_endpoint"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].token_endpoint"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].jwks_uri"));
  EXPECT_TRUE(r.has_error("oidc_providers[0].attribute_requirements[0]"));
  EXPECT_TRUE(r.has_error("oidc_providers[1].issuer"));
  EXPECT_FALSE(r.has_error("oidc_providers[1].client_secret"));  // none needs no secret
  EXPECT_TRUE(r.has_error("oidc_providers[2].idp_id"));          // oidc-two twice
  EXPECT_TRUE(read("{a: 1}").has_error("oidc_providers"));
}

TEST(OidcSettings, ExplicitEndpointsWithoutDiscovery) {
  Result r = read(R"(
- issuer: "https://i"
  client_id: c
  client_secret: s
  discover: false
  authorization_endpoint: "https://i/auth"
  token_endpoint: "https://i/token"
  jwks_uri: "https://i/jwks"
)");
  ASSERT_TRUE(r.errors.empty());
  EXPECT_FALSE(r.config.oidc_providers[0].discover);
  EXPECT_EQ(r.config.oidc_providers[0].token_endpoint, "https://i/token");
}

}  // namespace
}  // namespace myelin::config
