#include "bench/load/http_connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>
#include <optional>
#include <utility>

namespace myelin::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpConnection::HttpConnection(asio::any_io_executor executor, ServerAddress server)
    : server_(std::move(server)), stream_(std::move(executor)) {}

asio::awaitable<void> HttpConnection::ensure_connected() {
  if (connected_) co_return;
  stream_.expires_after(kTimeout);
  co_await stream_.async_connect(server_.endpoint, asio::use_awaitable);
  // Small requests and responses: Nagle's algorithm would add tens of milliseconds.
  stream_.socket().set_option(asio::ip::tcp::no_delay(true));
  buffer_.clear();
  connected_ = true;
  reused_ = false;
}

void HttpConnection::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  connected_ = false;
}

asio::awaitable<void> HttpConnection::write_request(http::verb method, std::string target,
                                                    std::string body, std::string access_token) {
  co_await ensure_connected();
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, server_.host_header);
  request.set(http::field::user_agent, "myelin_loadgen");
  if (!access_token.empty()) request.set(http::field::authorization, "Bearer " + access_token);
  if (method != http::verb::get) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
  }
  request.keep_alive(true);
  request.prepare_payload();
  stream_.expires_after(kTimeout);
  try {
    co_await http::async_write(stream_, request, asio::use_awaitable);
  } catch (const boost::system::system_error&) {
    close();
    throw;
  }
}

asio::awaitable<HttpResponse> HttpConnection::read_response() {
  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  stream_.expires_after(kTimeout);
  try {
    co_await http::async_read(stream_, buffer_, parser, asio::use_awaitable);
  } catch (const boost::system::system_error&) {
    close();
    throw;
  }
  http::response<http::string_body> response = parser.release();
  if (!response.keep_alive()) close();
  reused_ = true;
  co_return HttpResponse{.status = static_cast<int>(response.result_int()),
                         .body = std::move(response.body())};
}

asio::awaitable<HttpResponse> HttpConnection::request(http::verb method, std::string target,
                                                      std::string body, std::string access_token) {
  const bool may_be_stale = connected_ && reused_;
  std::optional<HttpResponse> response;
  try {
    co_await write_request(method, target, body, access_token);
    response = co_await read_response();
  } catch (const boost::system::system_error&) {
    if (!may_be_stale) throw;
  }
  if (!response) {
    // The kept-alive connection had been closed by the server: one retry on a new one.
    co_await write_request(method, std::move(target), std::move(body), std::move(access_token));
    response = co_await read_response();
  }
  co_return std::move(*response);
}

}  // namespace myelin::loadgen
