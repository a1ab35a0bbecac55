#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/common/service_context.hpp"
#include "storage/store/account_store.hpp"

namespace myelin::services {

namespace asio = boost::asio;

struct Session {
  std::string user_id;
  std::string device_id;
  bool is_admin = false;
};

struct LoginResult {
  std::string user_id;
  std::string device_id;
  std::string access_token;  // empty when registration inhibited login
};

struct NewAccount {
  std::optional<std::string> localpart;  // generated when unset
  std::optional<std::string> password;
  std::optional<std::string> device_id;
  std::optional<std::string> initial_device_display_name;
  bool inhibit_login = false;
  bool is_admin = false;
  std::optional<std::string> displayname;  // none: the profile starts without one
  std::optional<std::string> user_type;    // e.g. "bot", "support" (Synapse's user types)
};

// Accounts, devices and access tokens (spec client-server API "Account registration and
// management", "Login", "Device management"). Access tokens are looked up once and then
// answered from memory; logout and deactivation drop them from memory and store alike.
class AccountService {
 public:
  explicit AccountService(ServiceContext& ctx) : ctx_(ctx) {}

  // The session behind an access token, or nullopt for an unknown one.
  asio::awaitable<std::optional<Session>> authenticate(std::string token);

  // Throws M_INVALID_USERNAME for a localpart the grammar (or Synapse's rules) refuse,
  // M_USER_IN_USE when taken.
  asio::awaitable<void> check_username_available(std::string localpart);
  asio::awaitable<LoginResult> register_account(NewAccount account);
  // M_FORBIDDEN for a wrong password, unknown or deactivated user ("Invalid username or
  // password", as Synapse does not say which).
  asio::awaitable<LoginResult> login_with_password(std::string user_id, std::string password,
                                                   std::optional<std::string> device_id,
                                                   std::optional<std::string> display_name);
  asio::awaitable<bool> check_password(std::string user_id, std::string password);
  asio::awaitable<void> set_password(std::string user_id, std::string password, bool logout_devices,
                                     std::optional<std::string> keep_device);

  asio::awaitable<void> logout(std::string token);
  asio::awaitable<void> logout_all(std::string user_id);
  asio::awaitable<void> delete_device(std::string user_id, std::string device_id);
  asio::awaitable<void> deactivate(std::string user_id);

  // Told, after the fact, which of a user's devices were removed (logout, deletion, a password
  // change that logs others out, deactivation): device lists (DeviceLists) count them as
  // changes. Set once by the composition, before requests arrive.
  using DevicesRemoved = std::function<asio::awaitable<void>(std::string user_id,
                                                             std::vector<std::string> device_ids)>;
  void on_devices_removed(DevicesRemoved hook) { devices_removed_ = std::move(hook); }

  // Drops the user's cached sessions, so that the next request sees a changed admin flag or
  // account state from the store.
  void forget_sessions_of(const std::string& user_id);

  // user_id for a localpart or a full ID (login identifiers accept both).
  std::string qualify(const std::string& user) const;
  bool is_local(const std::string& user_id) const;

 private:
  asio::awaitable<LoginResult> create_session(std::string user_id,
                                              std::optional<std::string> device_id,
                                              std::optional<std::string> display_name);
  void forget_tokens(const std::vector<std::string>& tokens);
  // Forgets the tokens and tells the hook which devices went.
  struct Removed {
    std::vector<std::string> tokens;
    std::vector<std::string> device_ids;
  };
  asio::awaitable<void> removed(std::string user_id, Removed removed);

  ServiceContext& ctx_;
  DevicesRemoved devices_removed_;
  std::mutex tokens_mutex_;
  std::unordered_map<std::string, Session> tokens_;
};

}  // namespace myelin::services
