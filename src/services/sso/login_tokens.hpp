#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace myelin::services::sso {

// Short-lived single-use tokens for m.login.token (spec client-server API "Token-based login"):
// the SSO flow hands one to the client in the redirect, the client trades it at POST /login.
// Kept in memory: they live two minutes, so a restart losing them only means signing in again.
class LoginTokens {
 public:
  // 2 minutes, as Synapse's login tokens.
  static constexpr std::int64_t kLifetimeMs = 2 * 60 * 1000;

  std::string issue(std::string user_id, std::int64_t now_ms);
  // The user the token was issued for; nullopt for unknown, expired or already used tokens.
  // A token works once, even when two requests race for it.
  std::optional<std::string> consume(const std::string& token, std::int64_t now_ms);

 private:
  struct Entry {
    std::string user_id;
    std::int64_t expires_ms = 0;
  };
  void sweep(std::int64_t now_ms);

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> tokens_;
};

}  // namespace myelin::services::sso
