#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/oidc_config.hpp"
#include "http/client/http_client.hpp"
#include "services/sso/jwk.hpp"

namespace myelin::services::sso {

// The provider's endpoints: discovered (OpenID Connect Discovery 1.0) or configured.
struct OidcMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string userinfo_endpoint;
  std::string jwks_uri;
  bool supports_s256 = false;  // code_challenge_methods_supported has S256
};

// Why talking to the provider failed; shown on the error page in general terms and logged.
class OidcError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The authorization request's secrets the provider's answer is checked against.
struct AuthorizationRequest {
  std::string state;
  std::string nonce;
  std::string code_verifier;  // empty: no PKCE
  std::string redirect_uri;
};

// One configured OpenID provider: discovery and key set cached (the keys refetched when a token
// names a key we lack), the authorization URL, the code exchange and the user's claims.
class OidcProvider {
 public:
  OidcProvider(config::OidcProviderConfig config, http::HttpClient& client);

  const config::OidcProviderConfig& config() const { return config_; }

  boost::asio::awaitable<OidcMetadata> metadata();
  // Whether this request uses PKCE (pkce_method, and for auto the provider's support).
  bool uses_pkce(const OidcMetadata& metadata) const;
  std::string authorization_url(const OidcMetadata& metadata,
                                const AuthorizationRequest& request) const;

  // Exchanges the code, validates the ID token (signature against the JWKS, iss, aud, times,
  // nonce) and returns the user's claims (merged with userinfo when configured). Throws
  // OidcError or jose::IdTokenError.
  boost::asio::awaitable<boost::json::object> user_claims(std::string code,
                                                          AuthorizationRequest request,
                                                          std::int64_t now_ms);

 private:
  boost::asio::awaitable<OidcMetadata> discover();
  boost::asio::awaitable<std::vector<jose::Jwk>> keys(bool refresh);
  boost::asio::awaitable<boost::json::object> exchange_code(OidcMetadata metadata, std::string code,
                                                            AuthorizationRequest request);
  boost::asio::awaitable<boost::json::object> userinfo(OidcMetadata metadata,
                                                       std::string access_token);
  bool wants_id_token() const;

  config::OidcProviderConfig config_;
  http::HttpClient& client_;
  std::mutex mutex_;  // guards the caches: requests run on several threads
  std::optional<OidcMetadata> metadata_;
  std::optional<std::vector<jose::Jwk>> keys_;
};

}  // namespace myelin::services::sso
