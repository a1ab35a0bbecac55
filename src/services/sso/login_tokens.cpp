#include "services/sso/login_tokens.hpp"

#include "services/common/random_token.hpp"

namespace myelin::services::sso {

std::string LoginTokens::issue(std::string user_id, std::int64_t now_ms) {
  // 32 characters of [A-Za-z0-9]: about 190 bits, unguessable within two minutes.
  std::string token = "syl_" + random_token(32);
  std::lock_guard lock(mutex_);
  sweep(now_ms);
  tokens_[token] = Entry{std::move(user_id), now_ms + kLifetimeMs};
  return token;
}

std::optional<std::string> LoginTokens::consume(const std::string& token, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  tokens_.erase(it);
  if (now_ms >= entry.expires_ms) return std::nullopt;
  return entry.user_id;
}

void LoginTokens::sweep(std::int64_t now_ms) {
  std::erase_if(tokens_, [now_ms](const auto& item) { return now_ms >= item.second.expires_ms; });
}

}  // namespace myelin::services::sso
