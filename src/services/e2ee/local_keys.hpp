#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/e2ee/key_requests.hpp"

namespace myelin::services {

// The parts of a keys/query answer (spec "POST /_matrix/client/v3/keys/query"), each
// user ID → …; the federation answer leaves user_signing_keys out.
struct KeysQueryAnswer {
  boost::json::object device_keys;        // user → device ID → signed device keys
  boost::json::object master_keys;        // user → cross-signing key
  boost::json::object self_signing_keys;  // user → cross-signing key
  boost::json::object user_signing_keys;  // only the requester's own
};

// The keys of this server's users, as the client API and other servers read them. Users of
// other servers in a request are skipped (KeyService asks their servers).
class LocalKeys {
 public:
  explicit LocalKeys(ServiceContext& ctx) : ctx_(ctx) {}

  // The devices' keys (only devices that uploaded keys; every local user asked about appears,
  // {} when none did), with the users' cross-signing keys and the signatures uploaded over them.
  // `requester` is the local user asking, or "" for another server: a user's device display
  // names and user-signing key are shown to local users only (as Synapse, by default, keeps
  // device names from other servers), the user-signing key to its owner only, and signatures by
  // another user's user-signing key to that user only.
  boost::asio::awaitable<KeysQueryAnswer> query(DeviceKeysQuery query, std::string requester);

  // One key per device asked for (a one-time key, else the fallback key), as
  // {user: {device: {"<algorithm>:<key ID>": key}}}; devices without any are left out.
  boost::asio::awaitable<boost::json::object> claim(OneTimeKeysClaim claim);

 private:
  ServiceContext& ctx_;
};

// `one_time_key_counts` as clients read it: signed_curve25519 always present (0 when none
// is left), as Synapse answers — clients read its absence as "unknown", not "none".
boost::json::object one_time_key_counts_json(const std::map<std::string, std::int64_t>& counts);
boost::json::array string_array(const std::vector<std::string>& strings);

}  // namespace myelin::services
