#pragma once

#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "services/common/service_context.hpp"
#include "services/ratelimit/rate_limiter.hpp"
#include "storage/store/rate_limit_override_store.hpp"

namespace myelin::services {

// The homeserver's rate limits, as Synapse applies its rc_* settings: by client IP address
// before anyone is logged in (registration, login), by user after (messages, joins, invites),
// by account for logins. A refused action throws MatrixError M_LIMIT_EXCEEDED with
// retry_after_ms (429; the HTTP layer adds Retry-After).
//
// Server admins are limited like everyone (as in Synapse). An admin may give one user an
// override (the Synapse Admin API's override_ratelimit): messages_per_second 0 lifts every
// per-user limit of that user; other values replace rc_message's for that user (Synapse uses
// them for event sending only).
class RateLimits {
 public:
  explicit RateLimits(ServiceContext& ctx);

  // rc_registration: asks without counting (a registration takes several requests of
  // user-interactive auth); record_registration counts one once an account exists.
  void check_registration(const std::string& address);
  void record_registration(const std::string& address);
  void check_registration_token_validity(const std::string& address);
  void check_3pid_validation(const std::string& address);

  // rc_login.address: every login request counts.
  void check_login_address(const std::string& address);
  // rc_login.account: refuses while `user_id` has had too many logins (asks only);
  // record_login counts a successful one.
  void check_login_account(const std::string& user_id);
  void record_login(const std::string& user_id);
  // rc_login.failed_attempts: refuses while the account has had too many failures (asks
  // only); record_failed_login counts one.
  void check_failed_logins(const std::string& user_id);
  void record_failed_login(const std::string& user_id);

  // rc_message, or rc_admin_redaction when configured and `redacts` names another user's event.
  boost::asio::awaitable<void> check_message(std::string user_id,
                                             std::optional<std::string> redacts = {});
  // rc_joins.local (rc_joins.remote once joins over federation exist).
  boost::asio::awaitable<void> check_join(std::string user_id);
  // rc_invites: per room, per invitee (when known) and per inviter; nothing is counted unless
  // all three allow it.
  boost::asio::awaitable<void> check_invite(std::string inviter, std::string room_id,
                                            std::optional<std::string> invitee);

  // The Synapse Admin API's override for one user.
  boost::asio::awaitable<std::optional<storage::RateLimitOverride>> override_of(
      std::string user_id);
  boost::asio::awaitable<void> set_override(std::string user_id, storage::RateLimitOverride limit);
  boost::asio::awaitable<bool> remove_override(std::string user_id);

 private:
  // Users whose override of 0 messages per second exempts them from every per-user limit.
  boost::asio::awaitable<bool> is_exempt(std::string user_id);

  ServiceContext& ctx_;
  const config::RateLimitConfig& config_;
  RateLimiter message_;
  RateLimiter admin_redaction_;
  RateLimiter registration_;
  RateLimiter registration_token_validity_;
  RateLimiter threepid_validation_;
  RateLimiter login_address_;
  RateLimiter login_account_;
  RateLimiter login_failed_attempts_;
  RateLimiter joins_local_;
  RateLimiter invites_per_room_;
  RateLimiter invites_per_user_;
  RateLimiter invites_per_issuer_;

  // Overrides read from the store, by user (nullopt: none), so that sending a message costs no
  // database read. Bounded by the local users who act; changed only through this class.
  std::mutex overrides_mutex_;
  std::unordered_map<std::string, std::optional<storage::RateLimitOverride>> overrides_;
};

}  // namespace myelin::services
