#pragma once

#include <optional>

namespace myelin::config {

// One limit in Synapse's shape: a client may do `burst_count` actions at once, then
// `per_second` actions per second on average.
struct RateLimit {
  double per_second = 0;
  double burst_count = 0;
};

// Synapse's rc_* settings, with Synapse's defaults (docs/usage/configuration, "Ratelimiting").
struct RateLimitConfig {
  RateLimit message{0.2, 10};                     // rc_message: per user
  RateLimit registration{0.17, 3};                // rc_registration: per IP
  RateLimit registration_token_validity{0.1, 5};  // rc_registration_token_validity: per IP
  RateLimit login_address{0.003, 5};              // rc_login.address: per IP
  RateLimit login_account{0.003, 5};              // rc_login.account: per account logged into
  RateLimit login_failed_attempts{0.17, 3};       // rc_login.failed_attempts: per account
  RateLimit joins_local{0.1, 10};                 // rc_joins.local: per user
  RateLimit joins_remote{0.01, 10};               // rc_joins.remote: per user
  RateLimit invites_per_room{0.3, 10};            // rc_invites.per_room: per room
  RateLimit invites_per_user{0.003, 5};           // rc_invites.per_user: per invitee
  RateLimit invites_per_issuer{0.3, 10};          // rc_invites.per_issuer: per inviter
  std::optional<RateLimit> admin_redaction;       // rc_admin_redaction; none: rc_message
  RateLimit threepid_validation{0.003, 5};        // rc_3pid_validation: per IP
};

}  // namespace myelin::config
