#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "services/common/service_context.hpp"
#include "services/e2ee/cross_signing.hpp"
#include "services/e2ee/key_requests.hpp"
#include "services/e2ee/local_keys.hpp"
#include "services/federation/client/federation_transport.hpp"

namespace myelin::services {

// End-to-end encryption keys (spec client-server API "Key management API", server-server API
// "End-to-End Encryption"): devices upload their identity, one-time and fallback keys; clients
// read other users' device keys and claim one-time keys to start Olm sessions — local users'
// from the store, other servers' users' through their servers (one request per server, all at
// once, within the client's time-out; servers that fail are listed in `failures`).
class KeyService {
 public:
  // 10 s: the spec's default for keys/query and keys/claim `timeout`.
  static constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

  explicit KeyService(ServiceContext& ctx) : ctx_(ctx), local_(ctx), cross_signing_(ctx) {}

  // Called when a device's identity keys are new or changed: its user's device list changed
  // (DeviceLists::device_changed, wired by the composition root).
  using DeviceKeysChanged =
      std::function<boost::asio::awaitable<void>(std::string user_id, std::string device_id)>;

  void set_transport(FederationTransport* transport) { transport_ = transport; }
  void set_device_keys_changed(DeviceKeysChanged hook) { device_keys_changed_ = std::move(hook); }
  // Called when a user's cross-signing keys are new or changed (DeviceLists::
  // signing_keys_changed: other servers hear of it as m.signing_key_update, not as a device).
  using SigningKeysChanged = std::function<boost::asio::awaitable<void>(std::string user_id)>;
  void set_signing_keys_changed(SigningKeysChanged hook) {
    signing_keys_changed_ = std::move(hook);
  }

  // POST /keys/upload: stores the device's keys and answers {"one_time_key_counts": …}.
  // device_keys naming another user or device, a one-time key ID already held with other
  // content → 400 M_INVALID_PARAM; malformed parts → 400 M_BAD_JSON.
  boost::asio::awaitable<boost::json::object> upload(std::string user_id, std::string device_id,
                                                     boost::json::object body);

  // POST /keys/query for `requester`: {failures, device_keys, master_keys, self_signing_keys,
  // user_signing_keys}.
  boost::asio::awaitable<boost::json::object> query(std::string requester, DeviceKeysQuery query,
                                                    std::chrono::milliseconds timeout);

  // POST /keys/claim: {failures, one_time_keys}.
  boost::asio::awaitable<boost::json::object> claim(OneTimeKeysClaim claim,
                                                    std::chrono::milliseconds timeout);

  // Cross-signing (CrossSigning): whether replacing the keys needs user-interactive auth, the
  // keys' upload and signatures' upload. New master and self-signing keys and newly signed
  // devices are device-list changes (as Synapse files them).
  boost::asio::awaitable<bool> signing_keys_need_auth(std::string user_id);
  boost::asio::awaitable<void> upload_signing_keys(std::string user_id, boost::json::object body);
  boost::asio::awaitable<boost::json::object> upload_signatures(std::string user_id,
                                                                boost::json::object body);

  LocalKeys& local() { return local_; }

 private:
  ServiceContext& ctx_;
  LocalKeys local_;
  CrossSigning cross_signing_;
  FederationTransport* transport_ = nullptr;
  DeviceKeysChanged device_keys_changed_;
  SigningKeysChanged signing_keys_changed_;
};

}  // namespace myelin::services
