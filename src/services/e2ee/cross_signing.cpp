#include "services/e2ee/cross_signing.hpp"

#include <boost/json/parse.hpp>
#include <map>
#include <optional>
#include <vector>

#include "base/base64.hpp"
#include "base/matrix_error.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/json/canonical.hpp"
#include "services/common/server_of.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kMaster = "master";
constexpr const char* kSelfSigning = "self_signing";
constexpr const char* kUserSigning = "user_signing";

bj::object parse_stored(const std::string& json) {
  boost::system::error_code ec;
  bj::value value = bj::parse(json, ec);
  return !ec && value.is_object() ? value.as_object() : bj::object();
}

// The one ed25519 public key of a cross-signing key ("keys": {"ed25519:<pub>": "<pub>"}).
std::optional<std::string> public_key_of(const bj::object& key) {
  const bj::value* keys = key.if_contains("keys");
  if (!keys || !keys->is_object() || keys->as_object().size() != 1) return std::nullopt;
  const auto& [id, value] = *keys->as_object().begin();
  if (!id.starts_with("ed25519:") || !value.is_string()) return std::nullopt;
  return std::string(value.get_string());
}

bool verify(const bj::object& object, const std::string& signer, const std::string& public_key) {
  std::optional<std::string> raw = base64::decode(public_key);
  return raw && crypto::verify_json(object, signer, "ed25519:" + public_key, *raw);
}

// A cross-signing key as uploaded: the user's, for `usage`, with one ed25519 key.
bj::object checked_key(const bj::object& body, const char* field, const std::string& user_id,
                       const char* usage) {
  const bj::value* value = body.if_contains(field);
  const bj::object* key = value ? value->if_object() : nullptr;
  if (!key) throw MatrixError(ErrCode::kBadJson, std::string(field) + " must be an object");
  const bj::value* owner = key->if_contains("user_id");
  if (!owner || !owner->is_string() || owner->get_string() != user_id) {
    throw MatrixError(ErrCode::kInvalidParam, std::string(field) + ".user_id must be " + user_id);
  }
  const bj::value* usages = key->if_contains("usage");
  bool has_usage = false;
  if (usages && usages->is_array()) {
    for (const bj::value& u : usages->as_array())
      has_usage |= u.is_string() && u.get_string() == usage;
  }
  if (!has_usage) {
    throw MatrixError(ErrCode::kInvalidParam, std::string(field) + ".usage must include " + usage);
  }
  if (!public_key_of(*key)) {
    throw MatrixError(ErrCode::kInvalidParam, std::string(field) + " must hold one ed25519 key");
  }
  return *key;
}

bj::object failure(ErrCode code, const std::string& message) {
  return bj::object{{"status", 400}, {"errcode", errcode_name(code)}, {"message", message}};
}

// Everything a signature upload is checked against, read in one go.
struct SigningState {
  std::map<std::string, bj::object> own_cross_signing;  // key type → key
  std::map<std::string, bj::object> own_devices;        // device ID → device keys
  std::map<std::string, bj::object> masters;            // other local users' master keys
};

}  // namespace

asio::awaitable<bool> CrossSigning::needs_auth(std::string user_id) {
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.e2ee_keys.cross_signing_keys(user_id); };
  std::vector<storage::CrossSigningKeyRecord> keys = co_await ctx_.db(std::move(load));
  for (const auto& key : keys) {
    if (key.key_type == kMaster) co_return true;
  }
  co_return false;
}

asio::awaitable<std::vector<std::string>> CrossSigning::upload_keys(std::string user_id,
                                                                    bj::object body) {
  std::optional<bj::object> master;
  if (body.contains("master_key")) master = checked_key(body, "master_key", user_id, kMaster);
  std::optional<bj::object> self_signing, user_signing;
  if (body.contains("self_signing_key")) {
    self_signing = checked_key(body, "self_signing_key", user_id, kSelfSigning);
  }
  if (body.contains("user_signing_key")) {
    user_signing = checked_key(body, "user_signing_key", user_id, kUserSigning);
  }
  std::vector<std::string> changed;
  if (!master && !self_signing && !user_signing) co_return changed;

  storage::Store& store = ctx_.store;
  if (!master && (self_signing || user_signing)) {
    auto load = [&store, user_id] { return store.e2ee_keys.cross_signing_keys(user_id); };
    std::vector<storage::CrossSigningKeyRecord> held = co_await ctx_.db(std::move(load));
    for (const auto& key : held) {
      if (key.key_type == kMaster) master.emplace(parse_stored(key.key_json));
    }
    if (!master) throw MatrixError(ErrCode::kMissingParam, "No master key to check signatures");
  }
  const std::string master_key = public_key_of(*master).value_or("");
  for (const auto* key : {&self_signing, &user_signing}) {
    if (*key && !verify(**key, user_id, master_key)) {
      throw MatrixError(ErrCode::kInvalidSignature, "Key is not signed by the master key");
    }
  }

  std::vector<storage::CrossSigningKeyRecord> records;
  if (body.contains("master_key")) {
    records.push_back({kMaster, json::encode_canonical(*master)});
    changed.push_back(master_key);
  }
  if (self_signing) {
    records.push_back({kSelfSigning, json::encode_canonical(*self_signing)});
    changed.push_back(public_key_of(*self_signing).value_or(""));
  }
  if (user_signing) records.push_back({kUserSigning, json::encode_canonical(*user_signing)});
  auto save = [&store, user_id, records] {
    for (const auto& record : records) store.e2ee_keys.set_cross_signing_key(user_id, record);
  };
  co_await ctx_.db(std::move(save));
  co_return changed;
}

asio::awaitable<SignaturesUploaded> CrossSigning::upload_signatures(std::string user_id,
                                                                    bj::object body) {
  std::vector<std::string> targets;
  for (const auto& [target, keys] : body) {
    if (target != user_id && server_of(target) == ctx_.server_name()) {
      targets.emplace_back(target);
    }
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id, targets] {
    SigningState state;
    for (const auto& key : store.e2ee_keys.cross_signing_keys(user_id)) {
      state.own_cross_signing[key.key_type] = parse_stored(key.key_json);
    }
    for (const auto& device : store.e2ee_keys.device_keys_of(user_id)) {
      state.own_devices[device.device_id] = parse_stored(device.key_json);
    }
    for (const std::string& target : targets) {
      for (const auto& key : store.e2ee_keys.cross_signing_keys(target)) {
        if (key.key_type == kMaster) state.masters[target] = parse_stored(key.key_json);
      }
    }
    return state;
  };
  SigningState state = co_await ctx_.db(std::move(load));
  auto own_key = [&state](const char* type) -> std::string {
    auto it = state.own_cross_signing.find(type);
    return it == state.own_cross_signing.end() ? "" : public_key_of(it->second).value_or("");
  };
  const std::string own_master = own_key(kMaster);
  const std::string own_self_signing = own_key(kSelfSigning);
  const std::string own_user_signing = own_key(kUserSigning);

  SignaturesUploaded result;
  std::vector<storage::KeySignatureRecord> records;
  for (const auto& [target_key, keys] : body) {
    const std::string target(target_key);
    const bj::object* signed_keys = keys.if_object();
    if (!signed_keys) {
      throw MatrixError(ErrCode::kBadJson, "Signatures for " + target + " must be an object");
    }
    for (const auto& [key_id_key, value] : *signed_keys) {
      const std::string key_id(key_id_key);
      auto fail = [&](ErrCode code, const std::string& message) {
        bj::value& of_user = result.failures[target];
        if (!of_user.is_object()) of_user = bj::object();
        of_user.as_object()[key_id] = failure(code, message);
      };
      const bj::object* uploaded = value.if_object();
      const bj::value* all = uploaded ? uploaded->if_contains("signatures") : nullptr;
      const bj::value* mine =
          all && all->is_object() ? all->as_object().if_contains(user_id) : nullptr;
      if (!mine || !mine->is_object()) {
        fail(ErrCode::kInvalidParam, "No signature by " + user_id);
        continue;
      }
      // The key signed, as held here; the upload must be that key (its signatures aside).
      const bj::object* held = nullptr;
      // Which keys may have signed it: key ID → public key.
      std::map<std::string, std::string> signers;
      if (target == user_id && !own_master.empty() && key_id == own_master) {
        held = &state.own_cross_signing[kMaster];
        for (const auto& [device_id, device] : state.own_devices) {
          const bj::value* keys_of = device.if_contains("keys");
          const bj::value* ed = keys_of && keys_of->is_object()
                                    ? keys_of->as_object().if_contains("ed25519:" + device_id)
                                    : nullptr;
          if (ed && ed->is_string()) signers["ed25519:" + device_id] = ed->get_string();
        }
      } else if (target == user_id) {
        auto device = state.own_devices.find(key_id);
        if (device == state.own_devices.end()) {
          fail(ErrCode::kNotFound, "Unknown device " + key_id);
          continue;
        }
        held = &device->second;
        if (!own_self_signing.empty()) signers["ed25519:" + own_self_signing] = own_self_signing;
      } else {
        auto master = state.masters.find(target);
        if (master == state.masters.end() || public_key_of(master->second) != key_id) {
          fail(ErrCode::kNotFound, "Unknown master key " + key_id + " of " + target);
          continue;
        }
        held = &master->second;
        if (!own_user_signing.empty()) signers["ed25519:" + own_user_signing] = own_user_signing;
      }
      if (crypto::signable_json(*uploaded) != crypto::signable_json(*held)) {
        fail(ErrCode::kInvalidParam, "The signed key is not the key held");
        continue;
      }
      bool stored = false;
      bool bad = false;
      for (const auto& [signer_key_id, signature] : mine->as_object()) {
        auto signer = signers.find(std::string(signer_key_id));
        if (signer == signers.end() || !signature.is_string()) continue;
        if (!crypto::verify_json(*uploaded, user_id, signer_key_id,
                                 base64::decode(signer->second).value_or(""))) {
          bad = true;
          continue;
        }
        records.push_back({user_id, std::string(signer_key_id), target, key_id,
                           std::string(signature.get_string())});
        stored = true;
      }
      if (!stored) {
        fail(ErrCode::kInvalidSignature,
             bad ? "The signature does not verify" : "No signature by a key that may sign it");
      } else if (target == user_id && key_id != own_master) {
        result.signed_devices.push_back(key_id);
      }
    }
  }
  if (!records.empty()) {
    auto save = [&store, records] { store.e2ee_keys.add_signatures(records); };
    co_await ctx_.db(std::move(save));
  }
  co_return result;
}

}  // namespace myelin::services
