#include "services/e2ee/key_requests.hpp"

#include "base/matrix_error.hpp"
#include "protocol/ids/user_id.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

// Historical grammar: other servers' users may have localparts this server would not create.
void check_user_id(const std::string& user_id) {
  if (!ids::UserId::parse(user_id, ids::UserIdGrammar::kHistorical)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID: " + user_id);
  }
}

}  // namespace

DeviceKeysQuery parse_device_keys_query(const bj::object& device_keys) {
  DeviceKeysQuery query;
  for (const auto& [key, devices] : device_keys) {
    std::string user_id(key);
    check_user_id(user_id);
    const bj::array* list = devices.if_array();
    if (!list) throw MatrixError(ErrCode::kBadJson, "device_keys." + user_id + " must be a list");
    std::vector<std::string>& wanted = query[user_id];
    for (const bj::value& device : *list) {
      if (!device.is_string()) {
        throw MatrixError(ErrCode::kBadJson, "device_keys." + user_id + " must list device IDs");
      }
      wanted.emplace_back(device.get_string());
    }
  }
  return query;
}

OneTimeKeysClaim parse_one_time_keys_claim(const bj::object& one_time_keys) {
  OneTimeKeysClaim claim;
  for (const auto& [key, devices] : one_time_keys) {
    std::string user_id(key);
    check_user_id(user_id);
    const bj::object* wanted = devices.if_object();
    if (!wanted) {
      throw MatrixError(ErrCode::kBadJson, "one_time_keys." + user_id + " must be an object");
    }
    std::map<std::string, std::string>& per_device = claim[user_id];
    for (const auto& [device_id, algorithm] : *wanted) {
      if (!algorithm.is_string()) {
        throw MatrixError(ErrCode::kBadJson,
                          "one_time_keys." + user_id + " must map device IDs to algorithms");
      }
      per_device[std::string(device_id)] = std::string(algorithm.get_string());
    }
  }
  return claim;
}

bj::object device_keys_query_json(const DeviceKeysQuery& query) {
  bj::object json;
  for (const auto& [user_id, devices] : query) {
    bj::array list;
    for (const std::string& device_id : devices) list.emplace_back(device_id);
    json[user_id] = std::move(list);
  }
  return json;
}

bj::object one_time_keys_claim_json(const OneTimeKeysClaim& claim) {
  bj::object json;
  for (const auto& [user_id, devices] : claim) {
    bj::object per_device;
    for (const auto& [device_id, algorithm] : devices) per_device[device_id] = algorithm;
    json[user_id] = std::move(per_device);
  }
  return json;
}

}  // namespace myelin::services
