#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "services/common/service_context.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {

// One POST /_synapse/admin/v1/register body, already type-checked.
struct SharedSecretRequest {
  std::string nonce;
  std::string username;
  std::string password;
  bool admin = false;
  std::optional<std::string> user_type;
  std::optional<std::string> displayname;
  std::string mac;
};

// Synapse's shared-secret registration: whoever knows registration_shared_secret may create
// users, including admins, whatever the registration mode (it is how the first admin is made).
// A nonce is issued per attempt, lives 60 seconds (as Synapse) and is spent by its first use,
// so a captured request cannot be replayed.
class SharedSecretRegistration {
 public:
  static constexpr std::int64_t kNonceLifetimeMs = 60'000;

  SharedSecretRegistration(ServiceContext& ctx, AccountService& accounts)
      : ctx_(ctx), accounts_(accounts) {}

  // 400 M_UNKNOWN when no shared secret is configured (Synapse's answer).
  std::string issue_nonce();

  // 400 M_UNKNOWN for an unknown, expired or spent nonce; 403 M_FORBIDDEN for a wrong MAC;
  // then the usual registration errors (M_INVALID_USERNAME, M_USER_IN_USE).
  boost::asio::awaitable<LoginResult> register_user(SharedSecretRequest request);

 private:
  void require_enabled() const;
  bool spend_nonce(const std::string& nonce);

  ServiceContext& ctx_;
  AccountService& accounts_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> nonces_;  // nonce → issued at (ms)
};

}  // namespace myelin::services
