#include "config/oidc_settings.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "config/yaml_readers.hpp"

namespace myelin::config {

namespace {

// Synapse's rule for idp_id: 1-250 of [A-Za-z0-9._~-].
bool valid_idp_id(const std::string& id) {
  return !id.empty() && id.size() <= 250 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '~' ||
           c == '-';
  });
}

bool is_http_url(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

void read_choice(const YAML::Node& node, const std::string& key,
                 std::initializer_list<std::string_view> choices, std::string& out,
                 ConfigErrors& errors) {
  std::string value;
  if (!read_string(node, key, value, errors)) return;
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    std::string list;
    for (std::string_view choice : choices)
      list += (list.empty() ? "" : ", ") + std::string(choice);
    report(errors, key, "must be one of " + list);
    return;
  }
  out = value;
}

void read_secret_file(const YAML::Node& node, const std::string& key, std::string& out,
                      ConfigErrors& errors) {
  std::string path;
  if (!read_string(node, key, path, errors)) return;
  std::ifstream in(path);
  if (!in) {
    report(errors, key, "cannot read " + path);
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
}

void read_mapping_provider(const YAML::Node& node, const std::string& key,
                           OidcProviderConfig& provider, ConfigErrors& errors) {
  if (!check_mapping(node, key, {"module", "config"}, errors)) return;
  const YAML::Node config = node["config"];
  if (!config) return;
  const std::string config_key = key + ".config";
  if (!check_mapping(config, config_key,
                     {"subject_claim", "localpart_template", "display_name_template",
                      "email_template", "confirm_localpart", "picture_claim", "extra_attributes"},
                     errors)) {
    return;
  }
  if (config["localpart_template"]) {
    read_string(config["localpart_template"], config_key + ".localpart_template",
                provider.localpart_template, errors);
  }
  if (config["display_name_template"]) {
    read_string(config["display_name_template"], config_key + ".display_name_template",
                provider.display_name_template, errors);
  }
  if (config["email_template"]) {
    read_string(config["email_template"], config_key + ".email_template", provider.email_template,
                errors);
  }
}

void read_requirements(const YAML::Node& node, const std::string& key, OidcProviderConfig& provider,
                       ConfigErrors& errors) {
  if (!node.IsSequence()) {
    report(errors, key, "must be a list of {attribute, value} or {attribute, one_of}");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string entry_key = key + "[" + std::to_string(i) + "]";
    if (!check_mapping(node[i], entry_key, {"attribute", "value", "one_of"}, errors)) continue;
    OidcAttributeRequirement requirement;
    if (!node[i]["attribute"]) {
      report(errors, entry_key + ".attribute", "is required");
      continue;
    }
    read_string(node[i]["attribute"], entry_key + ".attribute", requirement.attribute, errors);
    if (node[i]["value"] && node[i]["one_of"]) {
      report(errors, entry_key, "set either value or one_of");
    } else if (node[i]["value"]) {
      std::string value;
      if (read_string(node[i]["value"], entry_key + ".value", value, errors)) {
        requirement.values.push_back(value);
      }
    } else if (node[i]["one_of"]) {
      read_string_list(node[i]["one_of"], entry_key + ".one_of", requirement.values, errors);
    } else {
      report(errors, entry_key, "needs value or one_of");
    }
    provider.attribute_requirements.push_back(std::move(requirement));
  }
}

void read_endpoints(const YAML::Node& node, const std::string& key, OidcProviderConfig& p,
                    ConfigErrors& errors) {
  struct Endpoint {
    const char* name;
    std::string* out;
  };
  for (Endpoint endpoint :
       {Endpoint{"authorization_endpoint", &p.authorization_endpoint},
        Endpoint{"token_endpoint", &p.token_endpoint},
        Endpoint{"userinfo_endpoint", &p.userinfo_endpoint}, Endpoint{"jwks_uri", &p.jwks_uri}}) {
    const std::string endpoint_key = key + "." + endpoint.name;
    if (node[endpoint.name] &&
        read_string(node[endpoint.name], endpoint_key, *endpoint.out, errors) &&
        !is_http_url(*endpoint.out)) {
      report(errors, endpoint_key, "must be an http(s) URL");
    }
  }
  if (p.discover) return;
  if (p.authorization_endpoint.empty()) {
    report(errors, key + ".authorization_endpoint", "is required when discover is false");
  }
  if (p.token_endpoint.empty()) {
    report(errors, key + ".token_endpoint", "is required when discover is false");
  }
  if (p.jwks_uri.empty() &&
      std::find(p.scopes.begin(), p.scopes.end(), "openid") != p.scopes.end()) {
    report(errors, key + ".jwks_uri", "is required when discover is false");
  }
  if (p.user_profile_method == "userinfo_endpoint" && p.userinfo_endpoint.empty()) {
    report(errors, key + ".userinfo_endpoint", "is required by user_profile_method");
  }
}

void read_provider(const YAML::Node& node, const std::string& key, OidcProviderConfig& p,
                   ConfigErrors& errors) {
  if (!check_mapping(node, key,
                     {"idp_id",
                      "idp_name",
                      "idp_icon",
                      "idp_brand",
                      "discover",
                      "issuer",
                      "client_id",
                      "client_secret",
                      "client_secret_path",
                      "client_auth_method",
                      "pkce_method",
                      "scopes",
                      "authorization_endpoint",
                      "token_endpoint",
                      "userinfo_endpoint",
                      "jwks_uri",
                      "skip_verification",
                      "user_profile_method",
                      "allow_existing_users",
                      "user_mapping_provider",
                      "attribute_requirements",
                      "enable_registration",
                      "backchannel_logout_enabled"},
                     errors)) {
    return;
  }
  std::string id = "oidc";
  if (node["idp_id"]) read_string(node["idp_id"], key + ".idp_id", id, errors);
  if (!valid_idp_id(id)) {
    report(errors, key + ".idp_id", "must be 1-250 characters of A-Z a-z 0-9 . _ ~ -");
  }
  // As Synapse: the ID is namespaced by the SSO mechanism.
  p.idp_id = id == "oidc" || id.rfind("oidc-", 0) == 0 ? id : "oidc-" + id;
  p.idp_name = "OIDC";
  if (node["idp_name"]) read_string(node["idp_name"], key + ".idp_name", p.idp_name, errors);
  if (node["idp_icon"] && read_string(node["idp_icon"], key + ".idp_icon", p.idp_icon, errors) &&
      !p.idp_icon.empty() && p.idp_icon.rfind("mxc://", 0) != 0) {
    report(errors, key + ".idp_icon", "must be an mxc:// URI");
  }
  if (!node["issuer"]) {
    report(errors, key + ".issuer", "is required");
  } else if (read_string(node["issuer"], key + ".issuer", p.issuer, errors) &&
             !is_http_url(p.issuer)) {
    report(errors, key + ".issuer", "must be an http(s) URL");
  }
  if (!node["client_id"]) {
    report(errors, key + ".client_id", "is required");
  } else {
    read_string(node["client_id"], key + ".client_id", p.client_id, errors);
  }
  if (node["client_auth_method"]) {
    read_choice(node["client_auth_method"], key + ".client_auth_method",
                {"client_secret_basic", "client_secret_post", "none"}, p.client_auth_method,
                errors);
  }
  if (node["client_secret"] && node["client_secret_path"]) {
    report(errors, key + ".client_secret_path", "set either client_secret or client_secret_path");
  } else if (node["client_secret"]) {
    read_string(node["client_secret"], key + ".client_secret", p.client_secret, errors);
  } else if (node["client_secret_path"]) {
    read_secret_file(node["client_secret_path"], key + ".client_secret_path", p.client_secret,
                     errors);
  } else if (p.client_auth_method != "none") {
    report(errors, key + ".client_secret", "is required unless client_auth_method is none");
  }
  if (node["scopes"]) read_string_list(node["scopes"], key + ".scopes", p.scopes, errors);
  if (node["discover"]) read_bool(node["discover"], key + ".discover", p.discover, errors);
  if (node["pkce_method"]) {
    read_choice(node["pkce_method"], key + ".pkce_method", {"auto", "always", "never"},
                p.pkce_method, errors);
  }
  if (node["user_profile_method"]) {
    read_choice(node["user_profile_method"], key + ".user_profile_method",
                {"auto", "userinfo_endpoint"}, p.user_profile_method, errors);
  }
  read_endpoints(node, key, p, errors);
  if (node["allow_existing_users"]) {
    read_bool(node["allow_existing_users"], key + ".allow_existing_users", p.allow_existing_users,
              errors);
  }
  if (node["user_mapping_provider"]) {
    read_mapping_provider(node["user_mapping_provider"], key + ".user_mapping_provider", p, errors);
  }
  if (node["attribute_requirements"]) {
    read_requirements(node["attribute_requirements"], key + ".attribute_requirements", p, errors);
  }
}

void read_providers(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    report(errors, "oidc_providers", "must be a list of providers");
    return;
  }
  config.oidc_providers.clear();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string key = "oidc_providers[" + std::to_string(i) + "]";
    OidcProviderConfig provider;
    read_provider(node[i], key, provider, errors);
    if (!ids.insert(provider.idp_id).second) {
      report(errors, key + ".idp_id", "\"" + provider.idp_id + "\" is used by another provider");
    }
    config.oidc_providers.push_back(std::move(provider));
  }
}

}  // namespace

std::vector<Setting> oidc_settings() {
  return {
      {.key = "oidc_providers",
       .doc =
           "Single sign-on through OpenID Connect providers (sign-up and login, in every\n"
           "registration mode: the provider decides who may sign in). Each entry:\n"
           "  idp_id, idp_name, idp_icon (mxc://): how clients list it\n"
           "  issuer; client_id; client_secret (or client_secret_path);\n"
           "  client_auth_method: client_secret_basic (default) | client_secret_post | none\n"
           "  scopes (default [openid]); discover (default true), else authorization_endpoint,\n"
           "  token_endpoint, userinfo_endpoint, jwks_uri\n"
           "  pkce_method: auto | always | never; user_profile_method: auto | userinfo_endpoint\n"
           "  allow_existing_users: link to an existing account with the mapped localpart\n"
           "  user_mapping_provider: {config: {localpart_template, display_name_template,\n"
           "    email_template}}, e.g. \"{{ user.preferred_username | lower }}\"\n"
           "  attribute_requirements: [{attribute: groups, value: staff}] or one_of: [...]\n"
           "The provider's redirect URI is <public_baseurl>_synapse/client/oidc/callback.\n"
           "Its certificate is checked against the system CAs and trusted_ca_files.",
       .default_yaml = "[]",
       .sample = {},
       .read = read_providers},
  };
}

}  // namespace myelin::config
