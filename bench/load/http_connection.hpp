#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

#include "bench/load/server_address.hpp"

namespace myelin::loadgen {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// A request answered with a status outside 2xx (thrown by MatrixUser, not by this class).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& what) : std::runtime_error(what), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// One HTTP/1.1 keep-alive connection, as one client would hold it. Requests are sequential:
// write_request, then read_response (split so that a long-poll can be known to be in flight).
// A broken or server-closed connection is re-opened on the next request.
class HttpConnection {
 public:
  HttpConnection(boost::asio::any_io_executor executor, ServerAddress server);

  // Both throw boost::system::system_error on network errors and timeouts.
  boost::asio::awaitable<void> write_request(boost::beast::http::verb method, std::string target,
                                             std::string body, std::string access_token);
  boost::asio::awaitable<HttpResponse> read_response();
  // write_request + read_response; retried once on a fresh connection when a kept-alive one
  // turns out to be closed already (the server may drop idle connections).
  boost::asio::awaitable<HttpResponse> request(boost::beast::http::verb method, std::string target,
                                               std::string body, std::string access_token);

  void close();

 private:
  boost::asio::awaitable<void> ensure_connected();

  // Longer than the 30 s /sync long-poll the scenarios use.
  static constexpr std::chrono::seconds kTimeout{60};
  // An initial /sync of a user in hundreds of rooms is megabytes.
  static constexpr std::uint64_t kBodyLimit = 256 * 1024 * 1024;

  ServerAddress server_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
  bool reused_ = false;  // the current connection has already carried a response
};

}  // namespace myelin::loadgen
