#pragma once

// A small HTTP(S) server on loopback for client tests (header-only; included by *_test.cpp
// files only): keep-alive, optional TLS with the given certificate, answers from a handler,
// counts the connections it accepted and records each request.
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/client/test_pki.hpp"

namespace myelin::http::testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::string host;
  std::string authorization;
  std::string body;
};

struct CannedReply {
  CannedReply() = default;
  CannedReply(int status_code, std::string body_text,
              std::vector<std::pair<std::string, std::string>> header_fields = {})
      : status(status_code), body(std::move(body_text)), headers(std::move(header_fields)) {}

  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Location", "..."}
  bool close = false;                                        // Connection: close
  bool drop = false;  // keep-alive promised, then the connection is closed anyway
};

class TestHttpsServer {
 public:
  using Handler = std::function<CannedReply(const SeenRequest&)>;

  // `tls`: serve https with these files; nullopt: plain http. `address` "127.0.0.1", "::1"...
  TestHttpsServer(std::optional<CertificateFiles> tls, Handler handler,
                  const std::string& address = "127.0.0.1")
      : acceptor_(io_, {boost::asio::ip::make_address(address), 0}), handler_(std::move(handler)) {
    if (tls) {
      tls_.emplace(boost::asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(tls->certificate);
      tls_->use_private_key_file(tls->private_key, boost::asio::ssl::context::pem);
    }
    boost::asio::co_spawn(io_, accept(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestHttpsServer() {
    io_.stop();
    thread_.join();
  }
  TestHttpsServer(const TestHttpsServer&) = delete;
  TestHttpsServer& operator=(const TestHttpsServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }
  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  using tcp = boost::asio::ip::tcp;

  boost::asio::awaitable<void> accept() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
      ++connections_;
      boost::asio::co_spawn(io_, serve(std::move(socket)), boost::asio::detached);
    }
  }

  boost::asio::awaitable<void> serve(tcp::socket socket) {
    namespace bhttp = boost::beast::http;
    constexpr auto kNoThrow = boost::asio::as_tuple(boost::asio::use_awaitable);
    if (!tls_) {
      co_await serve_on(socket);
      co_return;
    }
    boost::beast::ssl_stream<tcp::socket> stream(std::move(socket), *tls_);
    auto [handshake_error] =
        co_await stream.async_handshake(boost::asio::ssl::stream_base::server, kNoThrow);
    if (handshake_error) co_return;  // e.g. the client refused our certificate
    co_await serve_on(stream);
  }

  template <typename Stream>
  boost::asio::awaitable<void> serve_on(Stream& stream) {
    namespace bhttp = boost::beast::http;
    constexpr auto kNoThrow = boost::asio::as_tuple(boost::asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> request;
      auto [read_error, read] = co_await bhttp::async_read(stream, buffer, request, kNoThrow);
      if (read_error) co_return;
      SeenRequest seen{std::string(request.method_string()), std::string(request.target()),
                       std::string(request[bhttp::field::host]),
                       std::string(request[bhttp::field::authorization]), request.body()};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(seen);
      }
      CannedReply reply = handler_(seen);
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(reply.status), 11};
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      if (!response.count(bhttp::field::content_type)) {
        response.set(bhttp::field::content_type, "application/json");
      }
      response.body() = reply.body;
      response.keep_alive(request.keep_alive() && !reply.close);
      response.prepare_payload();
      auto [write_error, written] = co_await bhttp::async_write(stream, response, kNoThrow);
      if (write_error || !response.keep_alive() || reply.drop) co_return;
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::optional<boost::asio::ssl::context> tls_;
  Handler handler_;
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
  std::thread thread_;
};

}  // namespace myelin::http::testing
