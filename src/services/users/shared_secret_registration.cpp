#include "services/users/shared_secret_registration.hpp"

#include <boost/algorithm/string/case_conv.hpp>

#include "base/matrix_error.hpp"
#include "services/auth_support/registration_mac.hpp"
#include "services/common/random_token.hpp"

namespace myelin::services {

namespace {

// Nonces outstanding at once; beyond it the oldest go (a client that asks for nonces without
// using them must not grow memory).
constexpr std::size_t kMaxNonces = 10'000;

}  // namespace

void SharedSecretRegistration::require_enabled() const {
  if (ctx_.config.registration_shared_secret.empty()) {
    throw MatrixError::unknown_bad_request("Shared secret registration is not enabled");
  }
}

std::string SharedSecretRegistration::issue_nonce() {
  require_enabled();
  std::string nonce = random_token(32);
  const std::int64_t now = ctx_.now_ms();
  std::lock_guard lock(mutex_);
  std::erase_if(nonces_,
                [now](const auto& entry) { return now - entry.second > kNonceLifetimeMs; });
  if (nonces_.size() >= kMaxNonces) {
    auto oldest = nonces_.begin();
    for (auto it = nonces_.begin(); it != nonces_.end(); ++it) {
      if (it->second < oldest->second) oldest = it;
    }
    nonces_.erase(oldest);
  }
  nonces_.emplace(nonce, now);
  return nonce;
}

bool SharedSecretRegistration::spend_nonce(const std::string& nonce) {
  std::lock_guard lock(mutex_);
  auto it = nonces_.find(nonce);
  if (it == nonces_.end()) return false;
  const bool fresh = ctx_.now_ms() - it->second <= kNonceLifetimeMs;
  nonces_.erase(it);
  return fresh;
}

boost::asio::awaitable<LoginResult> SharedSecretRegistration::register_user(
    SharedSecretRequest request) {
  require_enabled();
  if (!spend_nonce(request.nonce)) throw MatrixError::unknown_bad_request("unrecognised nonce");
  const std::string expected =
      registration_mac(ctx_.config.registration_shared_secret, request.nonce, request.username,
                       request.password, request.admin, request.user_type);
  if (!macs_equal(expected, request.mac)) {
    throw MatrixError(ErrCode::kForbidden, "HMAC incorrect");
  }
  NewAccount account;
  // Synapse registers the lower-cased name; the MAC covers the name as sent.
  account.localpart = boost::algorithm::to_lower_copy(request.username);
  account.password = request.password;
  account.is_admin = request.admin;
  account.user_type = request.user_type;
  // Synapse names the user after its localpart unless told otherwise.
  account.displayname = request.displayname.value_or(request.username);
  LoginResult result = co_await accounts_.register_account(std::move(account));
  co_return result;
}

}  // namespace myelin::services
