#pragma once

#include <optional>
#include <string>
#include <vector>

namespace myelin::config {

// attribute_requirements entry: the claim `attribute` must equal `value`, or be one of
// `one_of`. A claim that is a list passes when any element matches (Synapse's semantics).
struct OidcAttributeRequirement {
  std::string attribute;
  std::vector<std::string> values;  // value: one element; one_of: several
};

// One OpenID Connect identity provider (`oidc_providers:` entries, Synapse's shape).
struct OidcProviderConfig {
  std::string idp_id;  // "oidc-<id>" as Synapse prefixes it when the config omits the prefix
  std::string idp_name;
  std::string idp_icon;  // mxc:// URI or empty
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string client_auth_method = "client_secret_basic";  // | client_secret_post | none
  std::vector<std::string> scopes = {"openid"};
  bool discover = true;
  // Used when discover is false (and override nothing when it is true).
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string userinfo_endpoint;
  std::string jwks_uri;
  std::string pkce_method = "auto";          // auto | always | never
  std::string user_profile_method = "auto";  // auto | userinfo_endpoint
  bool allow_existing_users = false;
  // Jinja-like templates over the claims: "{{ user.preferred_username }}".
  std::string localpart_template = "{{ user.sub }}";
  std::string display_name_template;
  std::string email_template;
  std::vector<OidcAttributeRequirement> attribute_requirements;
};

}  // namespace myelin::config
