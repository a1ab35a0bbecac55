#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
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

class ConnectionPool;

// Why an outgoing request failed before a response arrived (bad URL, DNS, connection, TLS,
// time-out, an oversized or malformed response). The text is for logs: a remote server's
// trouble is never shown to clients as is.
class HttpClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// An address to connect to instead of resolving the URL's host.
struct ConnectAddress {
  std::string ip;  // an IP literal, IPv6 without brackets
  std::uint16_t port = 0;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL; its authority is the Host header (unless `headers`
                    // name one)
  HeaderFields headers;
  std::string body;  // sent with Content-Length when not empty (or when method is POST/PUT)
  // Where to connect, tried in order until one connects (TCP and TLS); empty: the URL's host,
  // resolved by the system. Server discovery decides these apart from the URL (spec
  // server-server API, "Resolving server names").
  std::vector<ConnectAddress> connect_to;
  // The name the server's certificate must be valid for, also sent as SNI (not when it is an IP
  // literal); empty: the URL's host.
  std::string tls_name;
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
  // false: any certificate is accepted (federation.verify_certificates: development only).
  bool verify_certificates = true;
  // Keep-alive connections kept for reuse per (address, port, TLS name). 0: none, every request
  // has its own connection (Connection: close) — right for rare requests (SSO, e-mail).
  std::size_t max_idle_per_host = 0;
  std::size_t max_idle_total = 256;
  // An idle connection older than this is closed rather than reused: servers drop idle
  // connections after a while, and a write into a dropped one fails.
  std::chrono::milliseconds idle_timeout{60'000};
};

// Outgoing HTTP/1.1: one connection per request (Connection: close) or pooled keep-alive
// connections (max_idle_per_host), https verified against the system CAs plus the trusted
// files, with SNI and host-name verification. Redirects are not followed: a 3xx is returned to
// the caller like any other status. Safe to share between coroutines; each connection runs on
// its own strand. With pooling, idle connections belong to the io_context they were made on:
// destroy the client before that io_context.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws HttpClientError when no response could be had.
  boost::asio::awaitable<ClientResponse> send(ClientRequest request);

  // Idle pooled connections (for tests and metrics).
  std::size_t idle_connections() const;

  // GET with Accept: application/json; throws HttpClientError unless the status is 2xx and the
  // body parses as JSON.
  boost::asio::awaitable<boost::json::value> get_json(std::string url, HeaderFields headers);

 private:
  HttpClientOptions options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<ConnectionPool> pool_;
};

// application/x-www-form-urlencoded from fields in order.
std::string form_encode(const HeaderFields& fields);

}  // namespace myelin::http
