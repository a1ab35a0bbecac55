#include "services/e2ee/local_keys.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "services/common/server_of.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kSignedCurve25519 = "signed_curve25519";

// What the store holds for one user.
struct StoredUserKeys {
  std::vector<storage::DeviceKeysRecord> devices;
  std::vector<storage::CrossSigningKeyRecord> cross_signing;
  std::vector<storage::KeySignatureRecord> signatures;
};

bj::value parse_stored(const std::string& json) {
  boost::system::error_code ec;
  bj::value value = bj::parse(json, ec);
  return ec ? bj::value() : value;
}

void add_signature(bj::object& key, const storage::KeySignatureRecord& s) {
  bj::value& signatures = key["signatures"];
  if (!signatures.is_object()) signatures = bj::object();
  bj::value& by_user = signatures.as_object()[s.signer_user_id];
  if (!by_user.is_object()) by_user = bj::object();
  by_user.as_object()[s.signer_key_id] = s.signature;
}

// The public key of a cross-signing key: the value of its one "ed25519:<public key>" entry.
std::string public_key_of(const bj::object& key) {
  const bj::value* keys = key.if_contains("keys");
  if (!keys || !keys->is_object()) return {};
  for (const auto& [id, value] : keys->as_object()) {
    if (value.is_string()) return std::string(value.get_string());
  }
  return {};
}

// Signatures over a key are shown when made by the key's owner (with their own keys) or, made
// by someone else's user-signing key, to that someone.
bool shown(const storage::KeySignatureRecord& s, const std::string& requester) {
  return s.signer_user_id == s.target_user_id ||
         (!requester.empty() && s.signer_user_id == requester);
}

}  // namespace

asio::awaitable<KeysQueryAnswer> LocalKeys::query(DeviceKeysQuery query, std::string requester) {
  std::map<std::string, std::vector<std::string>> local;
  for (auto& [user_id, devices] : query) {
    if (server_of(user_id) == ctx_.server_name()) local[user_id] = std::move(devices);
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, local] {
    std::map<std::string, StoredUserKeys> stored;
    for (const auto& [user_id, devices] : local) {
      StoredUserKeys& keys = stored[user_id];
      keys.devices = store.e2ee_keys.device_keys_of(user_id);
      keys.cross_signing = store.e2ee_keys.cross_signing_keys(user_id);
      keys.signatures = store.e2ee_keys.signatures_of(user_id);
    }
    return stored;
  };
  std::map<std::string, StoredUserKeys> stored = co_await ctx_.db(std::move(load));

  KeysQueryAnswer answer;
  for (const auto& [user_id, keys] : stored) {
    const std::vector<std::string>& wanted = local[user_id];
    bj::object devices;
    for (const storage::DeviceKeysRecord& device : keys.devices) {
      if (!wanted.empty() &&
          std::find(wanted.begin(), wanted.end(), device.device_id) == wanted.end()) {
        continue;
      }
      bj::value parsed = parse_stored(device.key_json);
      if (!parsed.is_object()) continue;
      bj::object& json = parsed.as_object();
      for (const storage::KeySignatureRecord& s : keys.signatures) {
        if (s.target_key_id == device.device_id && shown(s, requester)) add_signature(json, s);
      }
      bj::object unsigned_data;
      if (device.display_name && !requester.empty()) {
        unsigned_data["device_display_name"] = *device.display_name;
      }
      json["unsigned"] = std::move(unsigned_data);
      devices[device.device_id] = std::move(parsed);
    }
    answer.device_keys[user_id] = std::move(devices);

    for (const storage::CrossSigningKeyRecord& key : keys.cross_signing) {
      bj::value parsed = parse_stored(key.key_json);
      if (!parsed.is_object()) continue;
      const std::string public_key = public_key_of(parsed.as_object());
      for (const storage::KeySignatureRecord& s : keys.signatures) {
        if (s.target_key_id == public_key && shown(s, requester)) {
          add_signature(parsed.as_object(), s);
        }
      }
      if (key.key_type == "master") {
        answer.master_keys[user_id] = std::move(parsed);
      } else if (key.key_type == "self_signing") {
        answer.self_signing_keys[user_id] = std::move(parsed);
      } else if (key.key_type == "user_signing" && requester == user_id) {
        answer.user_signing_keys[user_id] = std::move(parsed);
      }
    }
  }
  co_return answer;
}

asio::awaitable<bj::object> LocalKeys::claim(OneTimeKeysClaim claim) {
  std::vector<storage::KeyClaim> wanted;
  for (const auto& [user_id, devices] : claim) {
    if (server_of(user_id) != ctx_.server_name()) continue;
    for (const auto& [device_id, algorithm] : devices) {
      wanted.push_back({user_id, device_id, algorithm});
    }
  }
  bj::object answer;
  if (wanted.empty()) co_return answer;
  storage::Store& store = ctx_.store;
  auto take = [&store, wanted] { return store.e2ee_keys.claim(wanted); };
  std::vector<storage::ClaimedKey> claimed = co_await ctx_.db(std::move(take));
  for (const storage::ClaimedKey& key : claimed) {
    bj::value& user = answer[key.user_id];
    if (!user.is_object()) user = bj::object();
    bj::value& device = user.as_object()[key.device_id];
    if (!device.is_object()) device = bj::object();
    device.as_object()[key.key.algorithm + ":" + key.key.key_id] = parse_stored(key.key.key_json);
  }
  co_return answer;
}

bj::object one_time_key_counts_json(const std::map<std::string, std::int64_t>& counts) {
  bj::object json{{kSignedCurve25519, 0}};
  for (const auto& [algorithm, count] : counts) json[algorithm] = count;
  return json;
}

bj::array string_array(const std::vector<std::string>& strings) {
  bj::array array;
  for (const std::string& s : strings) array.emplace_back(s);
  return array;
}

}  // namespace myelin::services
