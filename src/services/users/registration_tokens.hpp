#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/auth_support/uia_sessions.hpp"
#include "services/common/service_context.hpp"
#include "storage/store/registration_token_store.hpp"

namespace myelin::services {

// What POST /_synapse/admin/v1/registration_tokens/new asks for, type-checked.
struct NewRegistrationToken {
  std::optional<std::string> token;  // nullopt: generate one of `length` characters
  std::int64_t length = 16;
  std::optional<std::int64_t> uses_allowed;
  std::optional<std::int64_t> expiry_time;
};

// Registration tokens (spec m.login.registration_token; semantics and admin API as Synapse).
// A registration reserves a use when its UIA stage passes, claims it just before creating the
// account and finishes it afterwards (see RegistrationTokenStore). A reservation whose UIA
// session died unfinished is released once it is older than a session may idle; the sweep runs
// before every reservation and every admin read, so no timer is needed.
class RegistrationTokens {
 public:
  static constexpr std::size_t kMaxLength = 64;  // Synapse admin API
  static constexpr std::int64_t kReservationLifetimeMs = UiaSessions::kIdleTimeoutMs;

  explicit RegistrationTokens(ServiceContext& ctx) : ctx_(ctx) {}

  // 1 to 64 characters of [A-Za-z0-9._~-].
  static bool well_formed(std::string_view token);

  boost::asio::awaitable<bool> is_valid(std::string token);
  // The UIA stage: reserves a use for the session; false when the token is not valid.
  boost::asio::awaitable<bool> reserve(std::string token, std::string session_id);
  // Just before the account is created; false when no use of the token can be had.
  boost::asio::awaitable<bool> claim(std::string token, std::string session_id);
  // After the attempt: a completed use, or the reservation given back.
  boost::asio::awaitable<void> finish(std::string session_id, bool registered);

  // Admin API. Bad values throw 400 M_INVALID_PARAM with Synapse's messages.
  boost::asio::awaitable<std::vector<storage::RegistrationToken>> list(std::optional<bool> valid);
  boost::asio::awaitable<std::optional<storage::RegistrationToken>> get(std::string token);
  // 400 M_INVALID_PARAM when the token exists already.
  boost::asio::awaitable<storage::RegistrationToken> create(NewRegistrationToken request);
  // nullopt when the token does not exist.
  boost::asio::awaitable<std::optional<storage::RegistrationToken>> update(
      std::string token, storage::RegistrationTokenChange change);
  boost::asio::awaitable<bool> remove(std::string token);

 private:
  // Checks uses_allowed >= 0 and expiry_time not in the past.
  void check_limits(const std::optional<std::int64_t>& uses_allowed,
                    const std::optional<std::int64_t>& expiry_time) const;
  boost::asio::awaitable<void> release_stale();

  ServiceContext& ctx_;
};

}  // namespace myelin::services
