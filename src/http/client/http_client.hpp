#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace myelin::http {

// Why an outgoing request failed before a response arrived (bad URL, DNS, connection, TLS,
// time-out, an oversized or malformed response). The text is for logs: a remote server's
// trouble is never shown to clients as is.
class HttpClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL
  HeaderFields headers;
  std::string body;  // sent with Content-Length when not empty (or when method is POST/PUT)
};

struct ClientResponse {
  int status = 0;
  HeaderFields headers;
  std::string body;

  // The first value of `name` (case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpClientOptions {
  // PEM files trusted on top of the system's CA store (config trusted_ca_files).
  std::vector<std::string> trusted_ca_files;
  std::chrono::milliseconds connect_timeout{10'000};  // DNS, TCP and the TLS handshake
  std::chrono::milliseconds read_timeout{30'000};     // writing the request and reading the reply
  // 1 MiB: ample for discovery documents, key sets and tokens; a hostile server cannot make us
  // buffer more.
  std::size_t max_body_size = 1024 * 1024;
};

// Outgoing HTTP/1.1: one connection per request (Connection: close), https verified against
// the system CAs plus the trusted files, with SNI and host-name verification. Redirects are
// not followed: a 3xx is returned to the caller like any other status. Safe to share between
// coroutines; each request runs on its own strand.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws HttpClientError when no response could be had.
  boost::asio::awaitable<ClientResponse> send(ClientRequest request);

  // GET with Accept: application/json; throws HttpClientError unless the status is 2xx and the
  // body parses as JSON.
  boost::asio::awaitable<boost::json::value> get_json(std::string url, HeaderFields headers);

 private:
  boost::asio::awaitable<ClientResponse> send_on_strand(ClientRequest request);

  HttpClientOptions options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

// application/x-www-form-urlencoded from fields in order.
std::string form_encode(const HeaderFields& fields);

}  // namespace myelin::http
