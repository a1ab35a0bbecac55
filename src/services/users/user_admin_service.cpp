#include "services/users/user_admin_service.hpp"

#include <vector>

#include "base/matrix_error.hpp"
#include "services/common/random_token.hpp"

namespace myelin::services {

namespace {

// "127.0.0.1:53211" → "127.0.0.1", "[::1]:53211" → "::1"; anything else unchanged.
std::string without_port(const std::string& address) {
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find(']');
    if (close != std::string::npos) return address.substr(1, close - 1);
  }
  const std::size_t colon = address.rfind(':');
  if (colon != std::string::npos && address.find(':') == colon) return address.substr(0, colon);
  return address;
}

}  // namespace

asio::awaitable<void> UserAdminService::admit(Session session, std::string token,
                                              std::string remote_address, std::string user_agent,
                                              bool allow_locked) {
  storage::UserFlags user_flags = co_await flags(session.user_id);
  if (user_flags.locked && !allow_locked) {
    // MSC3939: clients keep the session (soft logout) so that unlocking restores it.
    throw MatrixError(ErrCode::kUserLocked, "User account has been locked",
                      {{"soft_logout", true}});
  }
  if (session.device_id.empty()) co_await check_token_expiry(token);
  record(session, without_port(remote_address), user_agent);
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    due = ctx_.now_ms() - last_flush_ms_ >= kConnectionFlushMs;
  }
  if (due) co_await flush_connections();
}

asio::awaitable<void> UserAdminService::check_token_expiry(std::string token) {
  std::optional<std::optional<std::int64_t>> cached;
  {
    std::lock_guard lock(mutex_);
    if (auto it = token_expiry_.find(token); it != token_expiry_.end()) cached = it->second;
  }
  if (!cached) {
    storage::Store& store = ctx_.store;
    auto load = [&store, token] { return store.user_admin.puppet_token(token); };
    std::optional<storage::PuppetToken> puppet = co_await ctx_.db(std::move(load));
    cached = puppet ? puppet->valid_until_ms : std::nullopt;
    std::lock_guard lock(mutex_);
    token_expiry_[token] = *cached;
  }
  if (!*cached || ctx_.now_ms() < **cached) co_return;
  storage::Store& store = ctx_.store;
  auto drop = [&store, token] {
    auto puppet = store.user_admin.puppet_token(token);
    store.user_admin.delete_puppet_token(token);
    return puppet ? puppet->user_id : std::string();
  };
  std::string user_id = co_await ctx_.db(std::move(drop));
  accounts_.forget_sessions_of(user_id);
  {
    std::lock_guard lock(mutex_);
    token_expiry_.erase(token);
  }
  throw MatrixError(ErrCode::kUnknownToken, "Access token has expired", {{"soft_logout", true}});
}

asio::awaitable<storage::UserFlags> UserAdminService::flags(std::string user_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = flags_.find(user_id); it != flags_.end()) co_return it->second;
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.user_admin.flags(user_id); };
  std::optional<storage::UserFlags> loaded = co_await ctx_.db(std::move(load));
  storage::UserFlags result = loaded.value_or(storage::UserFlags{});
  if (loaded) {
    std::lock_guard lock(mutex_);
    flags_[user_id] = result;
  }
  co_return result;
}

void UserAdminService::forget_flags(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  flags_.erase(user_id);
}

void UserAdminService::record(const Session& session, const std::string& ip,
                              const std::string& user_agent) {
  std::lock_guard lock(mutex_);
  std::int64_t& seen =
      pending_connections_[ConnectionKey{session.user_id, session.device_id, ip, user_agent}];
  seen = std::max(seen, ctx_.now_ms());
}

asio::awaitable<void> UserAdminService::flush_connections() {
  std::vector<storage::SeenConnection> batch;
  {
    std::lock_guard lock(mutex_);
    last_flush_ms_ = ctx_.now_ms();
    for (const auto& [key, last_seen] : pending_connections_) {
      const auto& [user_id, device_id, ip, user_agent] = key;
      batch.push_back({user_id, device_id, ip, user_agent, last_seen});
    }
    pending_connections_.clear();
  }
  if (batch.empty()) co_return;
  storage::Store& store = ctx_.store;
  auto write = [&store, batch] { store.user_admin.record_connections(batch); };
  co_await ctx_.db(std::move(write));
}

asio::awaitable<void> UserAdminService::deactivate(std::string user_id, bool erase) {
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  std::vector<storage::MembershipRecord> memberships = co_await ctx_.db(std::move(load));
  for (const storage::MembershipRecord& membership : memberships) {
    // As Synapse: joined and knocked rooms are left, invites rejected; bans and leaves stay.
    if (membership.membership != "join" && membership.membership != "invite" &&
        membership.membership != "knock") {
      continue;
    }
    try {
      std::optional<std::string> no_reason;
      co_await rooms_.leave(membership.room_id, user_id, std::move(no_reason));
    } catch (const MatrixError&) {
      // A room the user cannot leave must not keep the account alive.
    }
  }
  co_await accounts_.deactivate(user_id);
  // Synapse removes the addresses too, so that they cannot reset the password.
  auto unbind = [&store, user_id] {
    for (const storage::Threepid& bound : store.threepids.threepids_of(user_id)) {
      store.threepids.remove(user_id, bound.medium, bound.address);
    }
  };
  co_await ctx_.db(std::move(unbind));
  if (erase) {
    auto mark = [&store, user_id] { store.user_admin.set_erased(user_id, true); };
    co_await ctx_.db(std::move(mark));
  }
  forget_flags(user_id);
}

asio::awaitable<std::string> UserAdminService::login_as(
    std::string user_id, std::string puppeteer, std::optional<std::int64_t> valid_until_ms) {
  std::string token = "syt_" + random_token(40);
  storage::PuppetToken puppet{user_id, puppeteer, valid_until_ms};
  storage::Store& store = ctx_.store;
  const std::int64_t now = ctx_.now_ms();
  auto save = [&store, token, puppet, now] {
    store.user_admin.add_puppet_token(token, puppet, now);
  };
  co_await ctx_.db(std::move(save));
  {
    std::lock_guard lock(mutex_);
    token_expiry_[token] = valid_until_ms;
  }
  co_return token;
}

}  // namespace myelin::services
