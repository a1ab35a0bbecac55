#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router/request.hpp"
#include "http/router/response.hpp"

namespace myelin::api {

// The request body as a JSON object: 400 M_NOT_JSON when it is not JSON (empty included),
// 400 M_BAD_JSON when it is JSON but not an object.
boost::json::object body_object(const http::Request& request);
// As body_object, but an empty body is {} (endpoints whose body is optional: join, leave…).
boost::json::object body_object_or_empty(const http::Request& request);

// Typed fields. Present with the wrong type → 400 M_BAD_JSON naming the field; required and
// absent → 400 M_MISSING_PARAM.
std::optional<std::string> optional_string(const boost::json::object& body, std::string_view key);
std::string required_string(const boost::json::object& body, std::string_view key);
std::optional<bool> optional_bool(const boost::json::object& body, std::string_view key);
std::optional<std::int64_t> optional_int(const boost::json::object& body, std::string_view key);
std::optional<boost::json::object> optional_object(const boost::json::object& body,
                                                   std::string_view key);
std::optional<std::vector<std::string>> optional_string_list(const boost::json::object& body,
                                                             std::string_view key);

// Query parameters: ?limit=10 → 10; not a non-negative integer → 400 M_INVALID_PARAM.
std::optional<std::int64_t> query_int(const http::Request& request, std::string_view key);
std::optional<std::string> query_string(const http::Request& request, std::string_view key);
bool query_bool(const http::Request& request, std::string_view key, bool fallback);

http::Response ok(boost::json::object body = {});

// Path parameters that name things: 400 M_INVALID_PARAM when malformed.
std::string room_id_param(const http::Request& request, std::string_view name = "roomId");
std::string user_id_param(const http::Request& request, std::string_view name = "userId");

}  // namespace myelin::api
