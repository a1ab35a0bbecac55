#include "bench/load/matrix_user.hpp"

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <utility>

namespace myelin::loadgen {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view kClientPrefix = "/_matrix/client/v3";

// Transaction IDs only need to be unique per device; one counter for the whole process also
// keeps them unique for several connections sharing one access token.
std::atomic<std::uint64_t> next_transaction{1};

std::string string_field(const json::value& value, std::string_view key) {
  if (const json::object* object = value.if_object()) {
    if (const json::value* field = object->if_contains(key)) {
      if (const json::string* text = field->if_string()) return std::string(*text);
    }
  }
  return {};
}

}  // namespace

std::string encode_path_segment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size() * 3);
  for (const char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

void check_success(const HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) return;
  constexpr std::size_t kExcerpt = 300;
  throw HttpError(response.status, std::string(what) + " answered " +
                                       std::to_string(response.status) + ": " +
                                       response.body.substr(0, kExcerpt));
}

MatrixUser::MatrixUser(asio::any_io_executor executor, ServerAddress server, Account account)
    : server_(server),
      connection_(std::move(executor), std::move(server)),
      account_(std::move(account)) {}

asio::awaitable<json::value> MatrixUser::call(http::verb method, std::string path,
                                              std::string body) {
  std::string target = std::string(kClientPrefix) + path;
  HttpResponse response =
      co_await connection_.request(method, target, std::move(body), account_.access_token);
  check_success(response, std::string(http::to_string(method)) + " " + path);
  co_return json::parse(response.body);
}

asio::awaitable<void> MatrixUser::register_account(std::string localpart, std::string password) {
  json::object body{{"username", localpart},
                    {"password", password},
                    {"initial_device_display_name", "myelin_loadgen"}};
  std::string target = std::string(kClientPrefix) + "/register";
  std::string first_body = json::serialize(body);
  std::string no_token;
  HttpResponse first = co_await connection_.request(http::verb::post, std::move(target),
                                                    std::move(first_body), std::move(no_token));
  json::value answer;
  if (first.status == 401) {
    // Spec, user-interactive authentication: the 401 carries the session to complete.
    const std::string session = string_field(json::parse(first.body), "session");
    body["auth"] = json::object{{"type", "m.login.dummy"}, {"session", session}};
    std::string path = "/register";
    std::string second_body = json::serialize(body);
    json::value completed =
        co_await call(http::verb::post, std::move(path), std::move(second_body));
    answer = std::move(completed);
  } else {
    check_success(first, "POST /register");
    answer = json::parse(first.body);
  }
  account_.user_id = string_field(answer, "user_id");
  account_.access_token = string_field(answer, "access_token");
  if (account_.access_token.empty()) {
    throw std::runtime_error("POST /register gave no access_token for " + localpart);
  }
}

asio::awaitable<std::string> MatrixUser::create_room(json::object body) {
  std::string path = "/createRoom";
  std::string text = json::serialize(body);
  json::value answer = co_await call(http::verb::post, std::move(path), std::move(text));
  std::string room_id = string_field(answer, "room_id");
  if (room_id.empty()) throw std::runtime_error("POST /createRoom gave no room_id");
  co_return room_id;
}

asio::awaitable<void> MatrixUser::join(std::string room_id) {
  std::string path = "/join/" + encode_path_segment(room_id);
  std::string empty_object = "{}";
  co_await call(http::verb::post, std::move(path), std::move(empty_object));
}

asio::awaitable<std::string> MatrixUser::send_text(std::string room_id, std::string text) {
  const json::object content{{"msgtype", "m.text"}, {"body", std::move(text)}};
  const std::string path = "/rooms/" + encode_path_segment(room_id) + "/send/m.room.message/lg" +
                           std::to_string(next_transaction++);
  std::string body = json::serialize(content);
  json::value answer = co_await call(http::verb::put, path, std::move(body));
  co_return string_field(answer, "event_id");
}

asio::awaitable<HttpResponse> MatrixUser::sync(std::string query) {
  std::string target = std::string(kClientPrefix) + "/sync";
  if (!query.empty()) target += "?" + query;
  std::string no_body;
  HttpResponse response = co_await connection_.request(http::verb::get, std::move(target),
                                                       std::move(no_body), account_.access_token);
  check_success(response, "GET /sync");
  co_return response;
}

}  // namespace myelin::loadgen
