#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace myelin::services::sso {

// What the server remembers between sending the browser to the provider and its return: the
// authorization request's secrets never leave the server, except the state (in the URL) and
// the browser binding (in a cookie).
struct OidcSession {
  std::string idp_id;
  std::string nonce;
  std::string code_verifier;  // empty without PKCE
  std::string client_redirect_url;
  // Set as the oidc_session cookie: a callback is honoured only in the browser that started
  // the flow (login CSRF, RFC 6749 section 10.12).
  std::string browser_binding;
  std::int64_t expires_ms = 0;
};

// Pending authorization requests by state, in memory, each usable once.
class OidcSessions {
 public:
  // 10 minutes to sign in at the provider.
  static constexpr std::int64_t kLifetimeMs = 10 * 60 * 1000;

  // Stores the session (its expiry set from now_ms); returns its state value.
  std::string start(OidcSession session, std::int64_t now_ms);
  // The session for `state` if it exists, has not expired and `browser_binding` is its cookie;
  // a session found is removed whatever the outcome, so a state cannot be replayed.
  std::optional<OidcSession> take(const std::string& state, const std::string& browser_binding,
                                  std::int64_t now_ms);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, OidcSession> sessions_;
};

}  // namespace myelin::services::sso
