#include "services/users/account_service.hpp"

#include <algorithm>
#include <cctype>

#include "base/matrix_error.hpp"
#include "protocol/ids/server_name.hpp"
#include "protocol/ids/user_id.hpp"
#include "services/auth_support/password_hasher.hpp"
#include "services/common/random_token.hpp"

namespace myelin::services {

namespace {

// 255 bytes: spec appendix "User Identifiers".
constexpr std::size_t kMaxUserIdBytes = 255;

}  // namespace

std::string AccountService::qualify(const std::string& user) const {
  if (!user.empty() && user[0] == '@') return user;
  return "@" + user + ":" + ctx_.server_name();
}

bool AccountService::is_local(const std::string& user_id) const {
  const std::size_t colon = user_id.find(':');
  return colon != std::string::npos &&
         user_id.compare(colon + 1, std::string::npos, ctx_.server_name()) == 0;
}

asio::awaitable<std::optional<Session>> AccountService::authenticate(std::string token) {
  {
    std::lock_guard lock(tokens_mutex_);
    if (auto it = tokens_.find(token); it != tokens_.end()) co_return it->second;
  }
  storage::Store& store = ctx_.store;
  auto lookup = [&store, token]() -> std::optional<Session> {
    auto owner = store.accounts.token_owner(token);
    if (!owner) return std::nullopt;
    auto user = store.accounts.user(owner->user_id);
    if (!user || user->deactivated) return std::nullopt;
    return Session{owner->user_id, owner->device_id, user->is_admin};
  };
  std::optional<Session> session = co_await ctx_.db(std::move(lookup));
  if (session) {
    std::lock_guard lock(tokens_mutex_);
    tokens_.emplace(token, *session);
  }
  co_return session;
}

asio::awaitable<void> AccountService::check_username_available(std::string localpart) {
  if (auto valid = ids::check_user_localpart(localpart); !valid) {
    throw MatrixError(ErrCode::kInvalidUsername, "Invalid username: " + valid.error());
  }
  if (!localpart.empty() && std::all_of(localpart.begin(), localpart.end(),
                                        [](unsigned char c) { return std::isdigit(c); })) {
    // Synapse keeps numeric localparts for guests.
    throw MatrixError(ErrCode::kInvalidUsername, "Numeric user IDs are reserved for guest users.");
  }
  std::string user_id = qualify(localpart);
  if (user_id.size() > kMaxUserIdBytes) {
    throw MatrixError(ErrCode::kInvalidUsername, "User ID may not be longer than 255 bytes");
  }
  storage::Store& store = ctx_.store;
  auto exists = [&store, user_id] { return store.accounts.user_exists(user_id); };
  const bool taken = co_await ctx_.db(std::move(exists));
  if (taken) {
    throw MatrixError(ErrCode::kUserInUse, "User ID already taken.");
  }
}

asio::awaitable<LoginResult> AccountService::register_account(NewAccount account) {
  std::string localpart = account.localpart.value_or("");
  if (localpart.empty()) {
    // Synapse lower-cases requested usernames; generated ones start with a letter.
    localpart = "u" + random_token(11);
    std::transform(localpart.begin(), localpart.end(), localpart.begin(),
                   [](unsigned char c) { return std::tolower(c); });
  }
  co_await check_username_available(localpart);
  storage::UserRecord user;
  user.user_id = qualify(localpart);
  user.created_ts = ctx_.now_ms();
  user.is_admin = account.is_admin;
  user.user_type = account.user_type;
  if (account.password) {
    std::string password = *account.password;
    auto hash = [password] { return hash_password(password); };
    user.password_hash = co_await ctx_.cpu(std::move(hash));
  }
  storage::Store& store = ctx_.store;
  auto create = [&store, user] { return store.accounts.create_user(user); };
  const bool created = co_await ctx_.db(std::move(create));
  if (!created) {
    throw MatrixError(ErrCode::kUserInUse, "User ID already taken.");
  }
  if (account.displayname) {
    auto set_name = [&store, user_id = user.user_id, name = account.displayname] {
      store.accounts.set_displayname(user_id, name);
    };
    co_await ctx_.db(std::move(set_name));
  }
  if (account.inhibit_login) co_return LoginResult{user.user_id, "", ""};
  LoginResult result =
      co_await create_session(user.user_id, account.device_id, account.initial_device_display_name);
  co_return result;
}

asio::awaitable<LoginResult> AccountService::login_with_password(
    std::string user_id, std::string password, std::optional<std::string> device_id,
    std::optional<std::string> display_name) {
  const bool valid = co_await check_password(user_id, password);
  if (!valid) {
    storage::Store& store = ctx_.store;
    auto load = [&store, user_id] { return store.accounts.user(user_id); };
    std::optional<storage::UserRecord> user = co_await ctx_.db(std::move(load));
    // Synapse tells a deactivated user so (M_USER_DEACTIVATED) rather than "wrong password".
    if (user && user->deactivated) {
      throw MatrixError(ErrCode::kUserDeactivated, "This account has been deactivated");
    }
    throw MatrixError(ErrCode::kForbidden, "Invalid username or password");
  }
  LoginResult result = co_await create_session(user_id, device_id, display_name);
  co_return result;
}

asio::awaitable<bool> AccountService::check_password(std::string user_id, std::string password) {
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.accounts.user(user_id); };
  std::optional<storage::UserRecord> user = co_await ctx_.db(std::move(load));
  if (!user || user->deactivated || !user->password_hash) co_return false;
  std::string stored = *user->password_hash;
  auto verify = [password, stored] { return verify_password(password, stored); };
  const bool valid = co_await ctx_.cpu(std::move(verify));
  co_return valid;
}

asio::awaitable<LoginResult> AccountService::create_session(
    std::string user_id, std::optional<std::string> device_id,
    std::optional<std::string> display_name) {
  LoginResult result{user_id, device_id.value_or(random_device_id()), "syt_" + random_token(40)};
  storage::Store& store = ctx_.store;
  const std::int64_t now = ctx_.now_ms();
  auto save = [&store, result, display_name, now] {
    store.accounts.upsert_device({result.user_id, result.device_id, display_name, now, {}});
    store.accounts.add_token(result.access_token, {result.user_id, result.device_id}, now);
  };
  co_await ctx_.db(std::move(save));
  co_return result;
}

asio::awaitable<void> AccountService::set_password(std::string user_id, std::string password,
                                                   bool logout_devices,
                                                   std::optional<std::string> keep_device) {
  storage::Store& store = ctx_.store;
  auto hash = [password] { return hash_password(password); };
  std::string new_hash = co_await ctx_.cpu(std::move(hash));
  auto change = [&store, user_id, new_hash, logout_devices, keep_device] {
    store.accounts.set_password_hash(user_id, new_hash);
    Removed removed;
    if (!logout_devices) return removed;
    for (const std::string& token : store.accounts.tokens_of_user(user_id)) {
      auto owner = store.accounts.token_owner(token);
      if (owner && owner->device_id != keep_device.value_or("")) removed.tokens.push_back(token);
    }
    for (const storage::DeviceRecord& device : store.accounts.devices(user_id)) {
      if (device.device_id != keep_device) removed.device_ids.push_back(device.device_id);
    }
    store.accounts.delete_devices_except(user_id, keep_device);
    return removed;
  };
  Removed gone = co_await ctx_.db(std::move(change));
  co_await removed(user_id, std::move(gone));
}

asio::awaitable<void> AccountService::logout(std::string token) {
  std::optional<Session> session = co_await authenticate(token);
  if (!session) co_return;
  co_await delete_device(session->user_id, session->device_id);
}

namespace {

std::vector<std::string> device_ids_of(storage::Store& store, const std::string& user_id) {
  std::vector<std::string> ids;
  for (const storage::DeviceRecord& device : store.accounts.devices(user_id)) {
    ids.push_back(device.device_id);
  }
  return ids;
}

}  // namespace

asio::awaitable<void> AccountService::logout_all(std::string user_id) {
  storage::Store& store = ctx_.store;
  auto drop = [&store, user_id] {
    Removed removed{store.accounts.tokens_of_user(user_id), device_ids_of(store, user_id)};
    store.accounts.delete_devices_except(user_id, std::nullopt);
    return removed;
  };
  Removed gone = co_await ctx_.db(std::move(drop));
  co_await removed(user_id, std::move(gone));
}

asio::awaitable<void> AccountService::delete_device(std::string user_id, std::string device_id) {
  storage::Store& store = ctx_.store;
  auto drop = [&store, user_id, device_id] {
    Removed removed{store.accounts.tokens_of_device(user_id, device_id), {}};
    if (store.accounts.device(user_id, device_id)) removed.device_ids.push_back(device_id);
    store.accounts.delete_device(user_id, device_id);
    return removed;
  };
  Removed gone = co_await ctx_.db(std::move(drop));
  co_await removed(user_id, std::move(gone));
}

asio::awaitable<void> AccountService::deactivate(std::string user_id) {
  storage::Store& store = ctx_.store;
  auto drop = [&store, user_id] {
    Removed removed{store.accounts.tokens_of_user(user_id), device_ids_of(store, user_id)};
    store.accounts.deactivate(user_id);
    return removed;
  };
  Removed gone = co_await ctx_.db(std::move(drop));
  co_await removed(user_id, std::move(gone));
}

asio::awaitable<void> AccountService::removed(std::string user_id, Removed removed) {
  forget_tokens(removed.tokens);
  if (devices_removed_ && !removed.device_ids.empty()) {
    co_await devices_removed_(std::move(user_id), std::move(removed.device_ids));
  }
}

void AccountService::forget_tokens(const std::vector<std::string>& tokens) {
  std::lock_guard lock(tokens_mutex_);
  for (const std::string& token : tokens) tokens_.erase(token);
}

void AccountService::forget_sessions_of(const std::string& user_id) {
  std::lock_guard lock(tokens_mutex_);
  std::erase_if(tokens_, [&user_id](const auto& entry) { return entry.second.user_id == user_id; });
}

}  // namespace myelin::services
