#include "services/sso/oidc_provider.hpp"

#include <boost/json/parse.hpp>

#include "base/base64.hpp"
#include "base/log.hpp"
#include "http/client/url.hpp"
#include "protocol/crypto/sha256.hpp"
#include "services/sso/id_token.hpp"

namespace myelin::services::sso {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

std::string string_member(const bj::object& object, const char* name) {
  const bj::value* value = object.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void require_url(const std::string& url, const char* what) {
  if (!http::parse_url(url)) throw OidcError(std::string("the provider's ") + what + " is invalid");
}

}  // namespace

OidcProvider::OidcProvider(config::OidcProviderConfig config, http::HttpClient& client)
    : config_(std::move(config)), client_(client) {}

bool OidcProvider::wants_id_token() const {
  return std::find(config_.scopes.begin(), config_.scopes.end(), "openid") != config_.scopes.end();
}

asio::awaitable<OidcMetadata> OidcProvider::metadata() {
  {
    std::lock_guard lock(mutex_);
    if (metadata_) co_return *metadata_;
  }
  OidcMetadata found;
  if (config_.discover) {
    found = co_await discover();
  } else {
    found.issuer = config_.issuer;
    found.supports_s256 = false;
  }
  // Configured endpoints override discovered ones (Synapse's behaviour).
  if (!config_.authorization_endpoint.empty()) {
    found.authorization_endpoint = config_.authorization_endpoint;
  }
  if (!config_.token_endpoint.empty()) found.token_endpoint = config_.token_endpoint;
  if (!config_.userinfo_endpoint.empty()) found.userinfo_endpoint = config_.userinfo_endpoint;
  if (!config_.jwks_uri.empty()) found.jwks_uri = config_.jwks_uri;
  require_url(found.authorization_endpoint, "authorization_endpoint");
  require_url(found.token_endpoint, "token_endpoint");
  if (wants_id_token()) require_url(found.jwks_uri, "jwks_uri");
  std::lock_guard lock(mutex_);
  metadata_ = found;
  co_return found;
}

asio::awaitable<OidcMetadata> OidcProvider::discover() {
  const std::string url = trim_slash(config_.issuer) + "/.well-known/openid-configuration";
  bj::value document;
  try {
    document = co_await client_.get_json(url, {});
  } catch (const http::HttpClientError& e) {
    throw OidcError(std::string("discovery failed: ") + e.what());
  }
  if (!document.is_object()) throw OidcError("the discovery document is not an object");
  const bj::object& doc = document.get_object();
  OidcMetadata found;
  found.issuer = string_member(doc, "issuer");
  // The document must name the issuer we asked (Discovery 1.0, section 4.3): a mismatch means
  // a misconfiguration or an impersonation.
  if (found.issuer != config_.issuer) {
    throw OidcError("the discovery document names issuer " + found.issuer + ", not " +
                    config_.issuer);
  }
  found.authorization_endpoint = string_member(doc, "authorization_endpoint");
  found.token_endpoint = string_member(doc, "token_endpoint");
  found.userinfo_endpoint = string_member(doc, "userinfo_endpoint");
  found.jwks_uri = string_member(doc, "jwks_uri");
  if (const bj::value* methods = doc.if_contains("code_challenge_methods_supported");
      methods && methods->is_array()) {
    for (const bj::value& method : methods->get_array()) {
      if (method.is_string() && method.get_string() == "S256") found.supports_s256 = true;
    }
  }
  co_return found;
}

asio::awaitable<std::vector<jose::Jwk>> OidcProvider::keys(bool refresh) {
  {
    std::lock_guard lock(mutex_);
    if (keys_ && !refresh) co_return *keys_;
  }
  OidcMetadata meta = co_await metadata();
  bj::value document;
  try {
    document = co_await client_.get_json(meta.jwks_uri, {});
  } catch (const http::HttpClientError& e) {
    throw OidcError(std::string("fetching the provider's keys failed: ") + e.what());
  }
  std::vector<jose::Jwk> found = jose::parse_jwks(document);
  std::lock_guard lock(mutex_);
  keys_ = found;
  co_return found;
}

bool OidcProvider::uses_pkce(const OidcMetadata& metadata) const {
  if (config_.pkce_method == "always") return true;
  if (config_.pkce_method == "never") return false;
  return metadata.supports_s256;
}

std::string OidcProvider::authorization_url(const OidcMetadata& metadata,
                                            const AuthorizationRequest& request) const {
  std::string scope;
  for (const std::string& s : config_.scopes) scope += (scope.empty() ? "" : " ") + s;
  http::HeaderFields query = {{"response_type", "code"},
                              {"client_id", config_.client_id},
                              {"redirect_uri", request.redirect_uri},
                              {"scope", scope},
                              {"state", request.state},
                              {"nonce", request.nonce}};
  if (!request.code_verifier.empty()) {
    std::string digest = crypto::sha256(request.code_verifier);
    query.emplace_back("code_challenge", base64::encode_url(digest));
    query.emplace_back("code_challenge_method", "S256");
  }
  const std::string& endpoint = metadata.authorization_endpoint;
  return endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") +
         http::form_encode(query);
}

asio::awaitable<bj::object> OidcProvider::exchange_code(OidcMetadata metadata, std::string code,
                                                        AuthorizationRequest request) {
  http::HeaderFields form = {
      {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", request.redirect_uri}};
  if (!request.code_verifier.empty()) form.emplace_back("code_verifier", request.code_verifier);
  http::HeaderFields headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                {"Accept", "application/json"}};
  if (config_.client_auth_method == "client_secret_basic") {
    // RFC 6749 section 2.3.1: both parts form-encoded before Base64.
    const std::string credentials =
        http::url_encode(config_.client_id) + ":" + http::url_encode(config_.client_secret);
    std::string encoded = base64::encode(credentials);
    while (encoded.size() % 4 != 0) encoded += '=';
    headers.emplace_back("Authorization", "Basic " + encoded);
  } else {
    form.emplace_back("client_id", config_.client_id);
    if (config_.client_auth_method == "client_secret_post") {
      form.emplace_back("client_secret", config_.client_secret);
    }
  }
  http::ClientRequest post{.method = "POST",
                           .url = metadata.token_endpoint,
                           .headers = std::move(headers),
                           .body = http::form_encode(form)};
  http::ClientResponse response;
  try {
    response = co_await client_.send(std::move(post));
  } catch (const http::HttpClientError& e) {
    throw OidcError(std::string("the token request failed: ") + e.what());
  }
  boost::system::error_code ec;
  bj::value body = bj::parse(response.body, ec);
  if (response.status != 200 || ec || !body.is_object()) {
    std::string reason = !ec && body.is_object() ? string_member(body.get_object(), "error") : "";
    throw OidcError("the token endpoint answered " + std::to_string(response.status) +
                    (reason.empty() ? "" : " (" + reason + ")"));
  }
  co_return std::move(body.get_object());
}

asio::awaitable<bj::object> OidcProvider::userinfo(OidcMetadata metadata,
                                                   std::string access_token) {
  require_url(metadata.userinfo_endpoint, "userinfo_endpoint");
  http::HeaderFields headers = {{"Authorization", "Bearer " + access_token}};
  bj::value document;
  try {
    document = co_await client_.get_json(metadata.userinfo_endpoint, std::move(headers));
  } catch (const http::HttpClientError& e) {
    throw OidcError(std::string("the userinfo request failed: ") + e.what());
  }
  if (!document.is_object()) throw OidcError("the userinfo answer is not an object");
  co_return std::move(document.get_object());
}

asio::awaitable<bj::object> OidcProvider::user_claims(std::string code,
                                                      AuthorizationRequest request,
                                                      std::int64_t now_ms) {
  OidcMetadata meta = co_await metadata();
  bj::object tokens = co_await exchange_code(meta, code, request);
  const std::string access_token = string_member(tokens, "access_token");
  bj::object claims;
  if (wants_id_token()) {
    const std::string id_token = string_member(tokens, "id_token");
    if (id_token.empty()) throw OidcError("the provider sent no ID token");
    const jose::IdTokenExpectations expected{.issuer = config_.issuer,
                                             .client_id = config_.client_id,
                                             .nonce = request.nonce,
                                             .now_s = now_ms / 1000,
                                             .leeway_s = 60};
    std::vector<jose::Jwk> current = co_await keys(false);
    bool unknown_key = false;
    try {
      claims = jose::validate_id_token(id_token, current, expected);
    } catch (const jose::UnknownKeyError&) {
      unknown_key = true;  // the provider may have rotated its keys: fetch them once more
    }
    if (unknown_key) {
      std::vector<jose::Jwk> refreshed = co_await keys(true);
      claims = jose::validate_id_token(id_token, refreshed, expected);
    }
  }
  const bool use_userinfo = config_.user_profile_method == "userinfo_endpoint" || !wants_id_token();
  if (use_userinfo) {
    if (access_token.empty()) throw OidcError("the provider sent no access token");
    bj::object info = co_await userinfo(meta, access_token);
    // The userinfo subject must be the ID token's (Core 1.0, section 5.3.2).
    if (!claims.empty() && string_member(info, "sub") != string_member(claims, "sub")) {
      throw OidcError("the userinfo subject differs from the ID token's");
    }
    for (auto& [name, value] : info) claims[name] = value;
  }
  if (string_member(claims, "sub").empty()) throw OidcError("the provider named no subject");
  co_return claims;
}

}  // namespace myelin::services::sso
