#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "bench/load/http_connection.hpp"
#include "bench/load/server_address.hpp"

namespace myelin::loadgen {

// What a registered user needs to act again, on any connection.
struct Account {
  std::string user_id;
  std::string access_token;
};

// One simulated Matrix client: a user's credentials on its own keep-alive connection, speaking
// the spec's Client-Server API (/_matrix/client/v3). Every call throws HttpError for a non-2xx
// answer and boost::system::system_error for network failures.
class MatrixUser {
 public:
  // (No default for `account`: an aggregate temporary in an expression holding a co_await is
  // what g++ 12 miscompiles; see src/async/worker_pool.hpp.)
  MatrixUser(boost::asio::any_io_executor executor, ServerAddress server, Account account);

  const Account& account() const { return account_; }
  HttpConnection& connection() { return connection_; }

  // POST /register with user-interactive auth: the first request (no auth) answers 401 with a
  // session; the second completes the m.login.dummy stage for it.
  boost::asio::awaitable<void> register_account(std::string localpart, std::string password);
  // POST /createRoom; returns the room ID.
  boost::asio::awaitable<std::string> create_room(boost::json::object body);
  // POST /join/{roomIdOrAlias}
  boost::asio::awaitable<void> join(std::string room_id);
  // PUT /rooms/{roomId}/send/m.room.message/{txnId} with a fresh txnId; returns the event ID.
  boost::asio::awaitable<std::string> send_text(std::string room_id, std::string body);
  // GET /sync?<query>; the raw response, for callers that time or measure it.
  boost::asio::awaitable<HttpResponse> sync(std::string query);

  // Any JSON call under /_matrix/client/v3 (path starts with '/'); returns the parsed body.
  boost::asio::awaitable<boost::json::value> call(boost::beast::http::verb method, std::string path,
                                                  std::string body);

 private:
  ServerAddress server_;
  HttpConnection connection_;
  Account account_;
};

// Percent-encodes a path segment (room IDs carry '!' and ':'; spec: identifiers in URLs are
// percent-encoded).
std::string encode_path_segment(std::string_view segment);

// Throws HttpError describing the request when `response` is not 2xx.
void check_success(const HttpResponse& response, std::string_view what);

}  // namespace myelin::loadgen
