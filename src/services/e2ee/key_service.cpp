#include "services/e2ee/key_service.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "base/matrix_error.hpp"
#include "protocol/json/canonical.hpp"
#include "services/common/server_of.hpp"
#include "services/e2ee/server_fan_out.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kQueryPath = "/_matrix/federation/v1/user/keys/query";
constexpr const char* kClaimPath = "/_matrix/federation/v1/user/keys/claim";

std::string canonical(const bj::value& value, const std::string& what) {
  try {
    return json::encode_canonical(value);
  } catch (const std::exception&) {
    // Floats and out-of-range integers have no canonical form; keys never hold them.
    throw MatrixError(ErrCode::kBadJson, what + " cannot be encoded as canonical JSON");
  }
}

// Whether an uploaded one-time key is the one held under its ID: signatures aside, as Synapse
// compares them (a client may sign the same key again, differently, when it retries an upload).
bool same_one_time_key(const std::string& held, const std::string& uploaded) {
  boost::system::error_code held_error;
  boost::system::error_code uploaded_error;
  bj::value held_key = bj::parse(held, held_error);
  bj::value uploaded_key = bj::parse(uploaded, uploaded_error);
  if (held_error || uploaded_error) return held == uploaded;
  if (bj::object* object = held_key.if_object()) object->erase("signatures");
  if (bj::object* object = uploaded_key.if_object()) object->erase("signatures");
  return held_key == uploaded_key;
}

// "<algorithm>:<key ID>" → its parts; keys are a string or a signed object.
std::vector<storage::OneTimeKeyRecord> parse_keys(const bj::object& body, std::string_view field) {
  std::vector<storage::OneTimeKeyRecord> keys;
  const bj::value* found = body.if_contains(field);
  if (!found || found->is_null()) return keys;
  const bj::object* object = found->if_object();
  if (!object) throw MatrixError(ErrCode::kBadJson, std::string(field) + " must be an object");
  for (const auto& [name, key] : *object) {
    const std::size_t colon = name.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == name.size()) {
      throw MatrixError(ErrCode::kInvalidParam,
                        "Key IDs must be <algorithm>:<key ID>: " + std::string(name));
    }
    if (!key.is_string() && !key.is_object()) {
      throw MatrixError(ErrCode::kBadJson, std::string(field) +
                                               " holds a key that is neither "
                                               "a string nor an object");
    }
    keys.push_back({std::string(name.substr(0, colon)), std::string(name.substr(colon + 1)),
                    canonical(key, std::string(field))});
  }
  return keys;
}

// The uploaded device_keys, checked to be the caller's own device; its canonical JSON.
std::optional<std::string> parse_device_keys(const bj::object& body, const std::string& user_id,
                                             const std::string& device_id) {
  const bj::value* found = body.if_contains("device_keys");
  if (!found || found->is_null()) return std::nullopt;
  const bj::object* keys = found->if_object();
  if (!keys) throw MatrixError(ErrCode::kBadJson, "device_keys must be an object");
  const bj::value* user = keys->if_contains("user_id");
  const bj::value* device = keys->if_contains("device_id");
  if (!user || !user->is_string() || user->get_string() != user_id) {
    throw MatrixError(ErrCode::kInvalidParam, "device_keys.user_id must be " + user_id);
  }
  if (!device || !device->is_string() || device->get_string() != device_id) {
    throw MatrixError(ErrCode::kInvalidParam, "device_keys.device_id must be " + device_id);
  }
  for (const char* field : {"keys", "signatures"}) {
    const bj::value* value = keys->if_contains(field);
    if (value && !value->is_object()) {
      throw MatrixError(ErrCode::kBadJson,
                        std::string("device_keys.") + field + " must be an object");
    }
  }
  if (const bj::value* algorithms = keys->if_contains("algorithms");
      algorithms && !algorithms->is_array()) {
    throw MatrixError(ErrCode::kBadJson, "device_keys.algorithms must be a list");
  }
  bj::object stored = *keys;
  stored.erase("unsigned");  // the server's own, added when read
  return canonical(stored, "device_keys");
}

bj::object* object_at(bj::object& parent, std::string_view key) {
  bj::value* value = parent.if_contains(key);
  return value ? value->if_object() : nullptr;
}

// A remote server's cross-signing key for `user_id`, kept when it names that user.
void take_cross_signing_key(bj::object& answer, bj::object& into, const std::string& field,
                            const std::string& user_id) {
  bj::object* keys = object_at(answer, field);
  if (!keys) return;
  bj::object* key = object_at(*keys, user_id);
  if (!key) return;
  const bj::value* owner = key->if_contains("user_id");
  if (!owner || !owner->is_string() || owner->get_string() != user_id) return;
  into[user_id] = std::move(*key);
}

}  // namespace

asio::awaitable<bj::object> KeyService::upload(std::string user_id, std::string device_id,
                                               bj::object body) {
  // Everything checked before anything is stored.
  std::optional<std::string> device_keys = parse_device_keys(body, user_id, device_id);
  std::vector<storage::OneTimeKeyRecord> one_time_keys = parse_keys(body, "one_time_keys");
  // MSC2732's unstable name, still sent by older clients (Synapse accepts both).
  std::vector<storage::OneTimeKeyRecord> fallback_keys = parse_keys(body, "fallback_keys");
  if (fallback_keys.empty()) {
    fallback_keys = parse_keys(body, "org.matrix.msc2732.fallback_keys");
  }

  storage::Store& store = ctx_.store;
  struct Stored {
    std::optional<storage::OneTimeKeyConflict> conflict;
    bool device_keys_changed = false;
    std::map<std::string, std::int64_t> counts;
  };
  auto save = [&store, user_id, device_id, device_keys, one_time_keys, fallback_keys] {
    Stored stored;
    if (!one_time_keys.empty()) {
      stored.conflict =
          store.e2ee_keys.add_one_time_keys(user_id, device_id, one_time_keys, same_one_time_key);
      if (stored.conflict) return stored;
    }
    if (device_keys) {
      stored.device_keys_changed =
          store.e2ee_keys.set_device_keys(user_id, device_id, *device_keys);
    }
    for (const storage::OneTimeKeyRecord& key : fallback_keys) {
      store.e2ee_keys.set_fallback_key(user_id, device_id, key);
    }
    stored.counts = store.e2ee_keys.one_time_key_counts(user_id, device_id);
    return stored;
  };
  Stored stored = co_await ctx_.db(std::move(save));
  if (stored.conflict) {
    // Synapse refuses it too: the other device may already have used the old key.
    throw MatrixError(ErrCode::kInvalidParam, "One time key " + stored.conflict->algorithm + ":" +
                                                  stored.conflict->key_id +
                                                  " already exists with other content");
  }
  if (stored.device_keys_changed && device_keys_changed_) {
    // Named first: g++ 12 mishandles temporaries inside a co_await expression.
    asio::awaitable<void> notified = device_keys_changed_(user_id, device_id);
    co_await std::move(notified);
  }
  co_return bj::object{{"one_time_key_counts", one_time_key_counts_json(stored.counts)}};
}

asio::awaitable<bj::object> KeyService::query(std::string requester, DeviceKeysQuery query,
                                              std::chrono::milliseconds timeout) {
  // Other servers' users grouped by server: one request each.
  std::map<std::string, DeviceKeysQuery> remote;
  for (const auto& [user_id, devices] : query) {
    std::string server = server_of(user_id);
    if (server != ctx_.server_name()) remote[server][user_id] = devices;
  }
  KeysQueryAnswer answer = co_await local_.query(query, requester);
  std::string query_path = kQueryPath;

  std::map<std::string, bj::object> bodies;
  for (const auto& [server, users] : remote) {
    bodies[server] = bj::object{{"device_keys", device_keys_query_json(users)}};
  }
  std::map<std::string, ServerAnswer> answers =
      co_await post_to_servers(transport_, query_path, std::move(bodies), timeout);

  bj::object failures;
  for (auto& [server, reply] : answers) {
    if (!reply.body) {
      failures[server] = std::move(reply.failure);
      continue;
    }
    // Only what was asked, of this server's users, each key naming the user and device it is
    // filed under: a server may not answer for another's users or swap devices' keys.
    bj::object* device_keys = object_at(*reply.body, "device_keys");
    for (const auto& [user_id, wanted] : remote[server]) {
      bj::object devices;
      bj::object* answered = device_keys ? object_at(*device_keys, user_id) : nullptr;
      if (answered) {
        for (auto& [device_id, keys] : *answered) {
          bj::object* key = keys.if_object();
          if (!key) continue;
          const bj::value* owner = key->if_contains("user_id");
          const bj::value* device = key->if_contains("device_id");
          if (!owner || !owner->is_string() || owner->get_string() != user_id) continue;
          if (!device || !device->is_string() || device->get_string() != device_id) continue;
          if (!wanted.empty() &&
              std::find(wanted.begin(), wanted.end(), std::string(device_id)) == wanted.end()) {
            continue;
          }
          devices[device_id] = std::move(*key);
        }
      }
      answer.device_keys[user_id] = std::move(devices);
      take_cross_signing_key(*reply.body, answer.master_keys, "master_keys", user_id);
      take_cross_signing_key(*reply.body, answer.self_signing_keys, "self_signing_keys", user_id);
    }
  }
  co_return bj::object{{"failures", std::move(failures)},
                       {"device_keys", std::move(answer.device_keys)},
                       {"master_keys", std::move(answer.master_keys)},
                       {"self_signing_keys", std::move(answer.self_signing_keys)},
                       {"user_signing_keys", std::move(answer.user_signing_keys)}};
}

asio::awaitable<bj::object> KeyService::claim(OneTimeKeysClaim claim,
                                              std::chrono::milliseconds timeout) {
  std::map<std::string, OneTimeKeysClaim> remote;
  for (const auto& [user_id, devices] : claim) {
    std::string server = server_of(user_id);
    if (server != ctx_.server_name()) remote[server][user_id] = devices;
  }
  bj::object one_time_keys = co_await local_.claim(claim);
  std::string claim_path = kClaimPath;

  std::map<std::string, bj::object> bodies;
  for (const auto& [server, users] : remote) {
    bodies[server] = bj::object{{"one_time_keys", one_time_keys_claim_json(users)}};
  }
  std::map<std::string, ServerAnswer> answers =
      co_await post_to_servers(transport_, claim_path, std::move(bodies), timeout);

  bj::object failures;
  for (auto& [server, reply] : answers) {
    if (!reply.body) {
      failures[server] = std::move(reply.failure);
      continue;
    }
    // One key of the algorithm asked for, per device asked about; nothing else.
    bj::object* claimed = object_at(*reply.body, "one_time_keys");
    for (const auto& [user_id, wanted] : remote[server]) {
      bj::object* user = claimed ? object_at(*claimed, user_id) : nullptr;
      if (!user) continue;
      bj::object devices;
      for (const auto& [device_id, algorithm] : wanted) {
        bj::object* keys = object_at(*user, device_id);
        if (!keys) continue;
        for (auto& [key_id, key] : *keys) {
          if (!key_id.starts_with(algorithm + ":")) continue;
          if (!key.is_object() && !key.is_string()) continue;
          devices[device_id] = bj::object{{key_id, std::move(key)}};
          break;
        }
      }
      if (!devices.empty()) one_time_keys[user_id] = std::move(devices);
    }
  }
  co_return bj::object{{"failures", std::move(failures)},
                       {"one_time_keys", std::move(one_time_keys)}};
}

asio::awaitable<bool> KeyService::signing_keys_need_auth(std::string user_id) {
  co_return co_await cross_signing_.needs_auth(std::move(user_id));
}

asio::awaitable<void> KeyService::upload_signing_keys(std::string user_id, bj::object body) {
  std::vector<std::string> changed = co_await cross_signing_.upload_keys(user_id, std::move(body));
  if (changed.empty() || !signing_keys_changed_) co_return;
  asio::awaitable<void> notified = signing_keys_changed_(user_id);
  co_await std::move(notified);
}

asio::awaitable<bj::object> KeyService::upload_signatures(std::string user_id, bj::object body) {
  SignaturesUploaded uploaded = co_await cross_signing_.upload_signatures(user_id, std::move(body));
  if (device_keys_changed_) {
    for (std::string& device_id : uploaded.signed_devices) {
      asio::awaitable<void> notified = device_keys_changed_(user_id, std::move(device_id));
      co_await std::move(notified);
    }
  }
  co_return bj::object{{"failures", std::move(uploaded.failures)}};
}

}  // namespace myelin::services
