#include "services/ratelimit/rate_limits.hpp"

#include "base/matrix_error.hpp"

namespace myelin::services {

namespace asio = boost::asio;

namespace {

// Synapse's LimitExceededError: 429 M_LIMIT_EXCEEDED "Too Many Requests" with retry_after_ms.
void enforce(const RateDecision& decision) {
  if (decision.allowed) return;
  throw MatrixError(ErrCode::kLimitExceeded, "Too Many Requests",
                    {{"retry_after_ms", decision.retry_after_ms}});
}

}  // namespace

RateLimits::RateLimits(ServiceContext& ctx)
    : ctx_(ctx),
      config_(ctx.config.rate_limits),
      message_(ctx.now_ms),
      admin_redaction_(ctx.now_ms),
      registration_(ctx.now_ms),
      registration_token_validity_(ctx.now_ms),
      threepid_validation_(ctx.now_ms),
      login_address_(ctx.now_ms),
      login_account_(ctx.now_ms),
      login_failed_attempts_(ctx.now_ms),
      joins_local_(ctx.now_ms),
      invites_per_room_(ctx.now_ms),
      invites_per_user_(ctx.now_ms),
      invites_per_issuer_(ctx.now_ms) {}

void RateLimits::check_registration(const std::string& address) {
  enforce(registration_.attempt(address, config_.registration, false));
}

void RateLimits::record_registration(const std::string& address) {
  registration_.record(address, config_.registration);
}

void RateLimits::check_registration_token_validity(const std::string& address) {
  enforce(registration_token_validity_.attempt(address, config_.registration_token_validity));
}

void RateLimits::check_3pid_validation(const std::string& address) {
  enforce(threepid_validation_.attempt(address, config_.threepid_validation));
}

void RateLimits::check_login_address(const std::string& address) {
  enforce(login_address_.attempt(address, config_.login_address));
}

void RateLimits::check_login_account(const std::string& user_id) {
  enforce(login_account_.attempt(user_id, config_.login_account, false));
}

void RateLimits::record_login(const std::string& user_id) {
  login_account_.record(user_id, config_.login_account);
}

void RateLimits::check_failed_logins(const std::string& user_id) {
  enforce(login_failed_attempts_.attempt(user_id, config_.login_failed_attempts, false));
}

void RateLimits::record_failed_login(const std::string& user_id) {
  login_failed_attempts_.record(user_id, config_.login_failed_attempts);
}

asio::awaitable<void> RateLimits::check_message(std::string user_id,
                                                std::optional<std::string> redacts) {
  std::optional<storage::RateLimitOverride> custom = co_await override_of(user_id);
  if (custom && custom->messages_per_second == 0) co_return;
  if (redacts && config_.admin_redaction) {
    // Synapse's "admin redaction": a moderator removing someone else's event.
    storage::Store& store = ctx_.store;
    auto load = [&store, event_id = *redacts] { return store.events.event(event_id); };
    std::optional<storage::EventRecord> event = co_await ctx_.db(std::move(load));
    if (event && event->sender != user_id) {
      enforce(admin_redaction_.attempt(user_id, *config_.admin_redaction));
      co_return;
    }
  }
  config::RateLimit limit = config_.message;
  if (custom) {
    limit = {static_cast<double>(custom->messages_per_second),
             static_cast<double>(custom->burst_count)};
  }
  enforce(message_.attempt(user_id, limit));
}

asio::awaitable<void> RateLimits::check_join(std::string user_id) {
  const bool exempt = co_await is_exempt(user_id);
  if (exempt) co_return;
  enforce(joins_local_.attempt(user_id, config_.joins_local));
}

asio::awaitable<void> RateLimits::check_invite(std::string inviter, std::string room_id,
                                               std::optional<std::string> invitee) {
  const bool exempt = co_await is_exempt(inviter);
  if (exempt) co_return;
  enforce(invites_per_room_.attempt(room_id, config_.invites_per_room, false));
  if (invitee) enforce(invites_per_user_.attempt(*invitee, config_.invites_per_user, false));
  enforce(invites_per_issuer_.attempt(inviter, config_.invites_per_issuer, false));
  // All three allow it: count it in each. Another request may have slipped in between the
  // checks and the counts; it can only push a bucket one action over, never lock it.
  invites_per_room_.attempt(room_id, config_.invites_per_room);
  if (invitee) invites_per_user_.attempt(*invitee, config_.invites_per_user);
  invites_per_issuer_.attempt(inviter, config_.invites_per_issuer);
}

asio::awaitable<std::optional<storage::RateLimitOverride>> RateLimits::override_of(
    std::string user_id) {
  {
    std::lock_guard lock(overrides_mutex_);
    auto it = overrides_.find(user_id);
    if (it != overrides_.end()) co_return it->second;
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.rate_limit_overrides.get(user_id); };
  std::optional<storage::RateLimitOverride> loaded = co_await ctx_.db(std::move(load));
  std::lock_guard lock(overrides_mutex_);
  // An admin's change made while this read was under way has already set the entry: keep it.
  auto [it, inserted] = overrides_.try_emplace(user_id, loaded);
  co_return it->second;
}

asio::awaitable<void> RateLimits::set_override(std::string user_id,
                                               storage::RateLimitOverride limit) {
  storage::Store& store = ctx_.store;
  auto save = [&store, user_id, limit] { store.rate_limit_overrides.set(user_id, limit); };
  co_await ctx_.db(std::move(save));
  std::lock_guard lock(overrides_mutex_);
  overrides_[user_id] = limit;
}

asio::awaitable<bool> RateLimits::remove_override(std::string user_id) {
  storage::Store& store = ctx_.store;
  auto remove = [&store, user_id] { return store.rate_limit_overrides.remove(user_id); };
  const bool removed = co_await ctx_.db(std::move(remove));
  std::lock_guard lock(overrides_mutex_);
  overrides_[user_id] = std::nullopt;
  co_return removed;
}

asio::awaitable<bool> RateLimits::is_exempt(std::string user_id) {
  std::optional<storage::RateLimitOverride> custom = co_await override_of(user_id);
  co_return custom && custom->messages_per_second == 0;
}

}  // namespace myelin::services
