#include "api/client/json_body.hpp"

#include <charconv>

#include "base/matrix_error.hpp"
#include "protocol/ids/room_id.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

[[noreturn]] void bad_type(std::string_view key, std::string_view expected) {
  throw MatrixError(ErrCode::kBadJson,
                    "'" + std::string(key) + "' must be " + std::string(expected));
}

}  // namespace

bj::object body_object(const http::Request& request) {
  auto parsed = json::parse(request.body);
  if (!parsed) throw MatrixError(ErrCode::kNotJson, "Content not JSON.");
  if (!parsed->is_object()) throw MatrixError(ErrCode::kBadJson, "Content must be a JSON object.");
  return std::move(parsed->as_object());
}

bj::object body_object_or_empty(const http::Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  return body_object(request);
}

std::optional<std::string> optional_string(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) bad_type(key, "a string");
  return std::string(value->as_string());
}

std::string required_string(const bj::object& body, std::string_view key) {
  auto value = optional_string(body, key);
  if (!value) throw MatrixError(ErrCode::kMissingParam, "Missing '" + std::string(key) + "'");
  return *value;
}

std::optional<bool> optional_bool(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_bool()) bad_type(key, "a boolean");
  return value->as_bool();
}

std::optional<std::int64_t> optional_int(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= INT64_MAX) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  bad_type(key, "an integer");
}

std::optional<bj::object> optional_object(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_object()) bad_type(key, "an object");
  return value->as_object();
}

std::optional<std::vector<std::string>> optional_string_list(const bj::object& body,
                                                             std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_array()) bad_type(key, "a list of strings");
  std::vector<std::string> list;
  for (const bj::value& item : value->as_array()) {
    if (!item.is_string()) bad_type(key, "a list of strings");
    list.emplace_back(item.as_string());
  }
  return list;
}

std::optional<std::int64_t> query_int(const http::Request& request, std::string_view key) {
  auto text = request.query.get(key);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < 0) {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter '" + std::string(key) + "' must be an integer");
  }
  return value;
}

std::optional<std::string> query_string(const http::Request& request, std::string_view key) {
  auto text = request.query.get(key);
  if (!text) return std::nullopt;
  return std::string(*text);
}

bool query_bool(const http::Request& request, std::string_view key, bool fallback) {
  auto text = request.query.get(key);
  if (!text) return fallback;
  if (*text == "true") return true;
  if (*text == "false") return false;
  throw MatrixError(ErrCode::kInvalidParam,
                    "Query parameter '" + std::string(key) + "' must be true or false");
}

http::Response ok(bj::object body) { return http::Response::json(200, body); }

std::string room_id_param(const http::Request& request, std::string_view name) {
  const std::string& text = request.param(name);
  if (!ids::RoomId::parse(text))
    throw MatrixError(ErrCode::kInvalidParam, "Invalid room ID: " + text);
  return text;
}

std::string user_id_param(const http::Request& request, std::string_view name) {
  const std::string& text = request.param(name);
  if (!ids::UserId::parse(text, ids::UserIdGrammar::kHistorical)) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID: " + text);
  }
  return text;
}

}  // namespace myelin::api
