#include "services/sso/oidc_sessions.hpp"

#include "services/common/random_token.hpp"

namespace myelin::services::sso {

std::string OidcSessions::start(OidcSession session, std::int64_t now_ms) {
  std::string state = random_token(32);
  session.expires_ms = now_ms + kLifetimeMs;
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [now_ms](const auto& item) { return now_ms >= item.second.expires_ms; });
  sessions_[state] = std::move(session);
  return state;
}

std::optional<OidcSession> OidcSessions::take(const std::string& state,
                                              const std::string& browser_binding,
                                              std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(state);
  if (it == sessions_.end()) return std::nullopt;
  OidcSession session = std::move(it->second);
  sessions_.erase(it);
  if (now_ms >= session.expires_ms || browser_binding.empty() ||
      session.browser_binding != browser_binding) {
    return std::nullopt;
  }
  return session;
}

}  // namespace myelin::services::sso
