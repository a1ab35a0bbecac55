#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"
#include "services/users/account_service.hpp"
#include "storage/store/user_admin_store.hpp"

namespace myelin::services {

namespace asio = boost::asio;

// What the Synapse Admin API changes about accounts beyond AccountService, and what follows
// from it on every request: locked accounts refused, login-as tokens expiring, and where each
// user was seen (whois). Flags are cached per user; handlers that change them call
// forget_flags().
class UserAdminService {
 public:
  // Connections are written to the store at most this often (whois and device queries flush
  // first, so they are never stale).
  static constexpr std::int64_t kConnectionFlushMs = 5000;

  UserAdminService(ServiceContext& ctx, AccountService& accounts, RoomService& rooms)
      : ctx_(ctx), accounts_(accounts), rooms_(rooms) {}

  // Runs for every authenticated request. Throws 401 M_USER_LOCKED (soft_logout) for a locked
  // account unless `allow_locked` (logging out stays possible, as in Synapse), and 401
  // M_UNKNOWN_TOKEN (soft_logout) for an expired login-as token; records the connection.
  asio::awaitable<void> admit(Session session, std::string token, std::string remote_address,
                              std::string user_agent, bool allow_locked);

  // The user's flags (all false for an unknown user).
  asio::awaitable<storage::UserFlags> flags(std::string user_id);
  void forget_flags(const std::string& user_id);

  // Writes the connections recorded since the last flush.
  asio::awaitable<void> flush_connections();

  // Leaves every joined or knocked room, rejects invites, then deactivates (tokens, devices
  // and password gone); with `erase` the account is also marked erased (profile wiped).
  asio::awaitable<void> deactivate(std::string user_id, bool erase);

  // A new access token for `user_id` without a device, obtained by `puppeteer`
  // (POST /_synapse/admin/v1/users/{userId}/login).
  asio::awaitable<std::string> login_as(std::string user_id, std::string puppeteer,
                                        std::optional<std::int64_t> valid_until_ms);

 private:
  using ConnectionKey = std::tuple<std::string, std::string, std::string, std::string>;

  void record(const Session& session, const std::string& ip, const std::string& user_agent);
  asio::awaitable<void> check_token_expiry(std::string token);

  ServiceContext& ctx_;
  AccountService& accounts_;
  RoomService& rooms_;

  std::mutex mutex_;
  std::unordered_map<std::string, storage::UserFlags> flags_;
  // token → valid_until_ms (nullopt: not a login-as token, or one that never expires).
  std::unordered_map<std::string, std::optional<std::int64_t>> token_expiry_;
  std::map<ConnectionKey, std::int64_t> pending_connections_;
  std::int64_t last_flush_ms_ = 0;
};

}  // namespace myelin::services
