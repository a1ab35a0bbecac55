#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/sso/login_tokens.hpp"
#include "services/sso/oidc_provider.hpp"
#include "services/sso/oidc_sessions.hpp"
#include "services/users/account_service.hpp"

namespace myelin::http {
class HttpClient;
}

namespace myelin::services {

// Where to send the browser to sign in at the provider, and the value of the oidc_session
// cookie that binds the flow to this browser.
struct SsoStart {
  std::string location;
  std::string browser_binding;
};

// The end of the provider's redirect: the client's redirectUrl with a loginToken, or a refusal
// to show as an error page.
struct SsoCompletion {
  std::string location;  // empty when refused
  int status = 200;
  std::string title;
  std::string message;
};

// Single sign-on through OpenID Connect (spec client-server API "Single Sign-On"; Synapse's
// oidc_providers): the authorization code flow with PKCE, state and nonce, ID-token validation,
// user mapping through the external-ID table, and m.login.token completion. Sign-up through a
// provider works in every registration mode: the operator's provider decides who signs in.
class SsoService {
 public:
  SsoService(ServiceContext& ctx, AccountService& accounts);
  ~SsoService();

  bool enabled() const { return !providers_.empty(); }
  std::vector<const config::OidcProviderConfig*> providers() const;
  // <public_baseurl>_synapse/client/oidc/callback: the redirect URI registered at providers.
  std::string callback_url() const;

  // Starts the flow at `idp_id` for a client that wants to end at `client_redirect_url`.
  // M_NOT_FOUND for an unknown provider, M_INVALID_PARAM for a redirect URL that is not
  // http(s); 502 M_UNKNOWN when the provider cannot be reached.
  boost::asio::awaitable<SsoStart> start(std::string idp_id, std::string client_redirect_url);

  // The provider's redirect back (code and state, or error), with the browser's cookie.
  boost::asio::awaitable<SsoCompletion> complete(std::string state, std::string code,
                                                 std::string error, std::string browser_binding);

  // m.login.token: a new device and access token for the token's user. M_FORBIDDEN for an
  // unknown, expired or used token, or a deactivated account.
  boost::asio::awaitable<LoginResult> login_with_token(std::string token,
                                                       std::optional<std::string> device_id,
                                                       std::optional<std::string> display_name);

  // The local user for a provider's claims, linked or created (see the .cpp). Public for tests.
  boost::asio::awaitable<std::string> map_user(std::string idp_id, boost::json::object claims);
  sso::LoginTokens& login_tokens() { return login_tokens_; }

 private:
  sso::OidcProvider* provider(const std::string& idp_id);
  boost::asio::awaitable<std::optional<std::string>> linked_user(std::string idp_id,
                                                                 std::string subject);
  boost::asio::awaitable<std::string> register_mapped(const config::OidcProviderConfig& config,
                                                      std::string subject,
                                                      boost::json::object claims);

  boost::asio::awaitable<void> bind_mapped_email(const config::OidcProviderConfig& config,
                                                 std::string user_id, boost::json::object claims);

  ServiceContext& ctx_;
  AccountService& accounts_;
  std::unique_ptr<http::HttpClient> client_;
  std::vector<std::unique_ptr<sso::OidcProvider>> providers_;
  sso::OidcSessions sessions_;
  sso::LoginTokens login_tokens_;
};

}  // namespace myelin::services
