#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

namespace myelin::services {

// POST /keys/query's (and federation /user/keys/query's) `device_keys`: user ID → the device IDs
// wanted, empty for every device of the user.
using DeviceKeysQuery = std::map<std::string, std::vector<std::string>>;
// POST /keys/claim's `one_time_keys`: user ID → device ID → the algorithm of the key wanted.
using OneTimeKeysClaim = std::map<std::string, std::map<std::string, std::string>>;

// The request shapes, checked: not the spec's shape → 400 M_BAD_JSON naming the user; a key
// that is not a user ID → 400 M_INVALID_PARAM.
DeviceKeysQuery parse_device_keys_query(const boost::json::object& device_keys);
OneTimeKeysClaim parse_one_time_keys_claim(const boost::json::object& one_time_keys);

// Back to JSON, for the requests sent to other servers.
boost::json::object device_keys_query_json(const DeviceKeysQuery& query);
boost::json::object one_time_keys_claim_json(const OneTimeKeysClaim& claim);

}  // namespace myelin::services
