// The client against a scripted plain-TCP server on loopback: what is sent, redirects returned
// as they are, the body limit, the read time-out and refused connections.
#include "http/client/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <thread>

namespace myelin::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Accepts one connection, records the request head and body, answers `reply` (or nothing
// when empty, holding the connection open until the client gives up).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::string reply)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        reply_(std::move(reply)) {
    asio::co_spawn(io_, serve(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ScriptedServer() {
    io_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  std::string received;

 private:
  asio::awaitable<void> serve() {
    tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
    std::string buffer;
    try {
      co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n",
                                      asio::use_awaitable);
    } catch (const std::exception&) {
      co_return;
    }
    received = buffer;
    if (reply_.empty()) {
      char byte;
      boost::system::error_code ec;
      co_await socket.async_read_some(asio::buffer(&byte, 1),
                                      asio::redirect_error(asio::use_awaitable, ec));
      co_return;
    }
    co_await asio::async_write(socket, asio::buffer(reply_), asio::use_awaitable);
    socket.shutdown(tcp::socket::shutdown_both);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::string reply_;
  std::thread thread_;
};

ClientResponse run(HttpClient& client, ClientRequest request) {
  asio::io_context io;
  auto future = asio::co_spawn(io, client.send(std::move(request)), asio::use_future);
  io.run();
  return future.get();
}

HttpClientOptions quick() {
  HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = std::chrono::milliseconds(300);
  options.max_body_size = 64;
  return options;
}

TEST(HttpClient, SendsTheRequestAndReadsTheResponse) {
  ScriptedServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
      "{\"ok\":true}");
  HttpClient client(quick());
  ClientResponse response =
      run(client, {.method = "POST",
                   .url = server.url("/token?x=1"),
                   .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
                   .body = "a=b"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"ok\":true}");
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(server.received.rfind("POST /token?x=1 HTTP/1.1\r\n", 0), 0u) << server.received;
  EXPECT_NE(server.received.find("Content-Length: 3"), std::string::npos);
  EXPECT_NE(server.received.find("Host: 127.0.0.1:"), std::string::npos);
}

TEST(HttpClient, ReturnsRedirectsWithoutFollowing) {
  ScriptedServer server(
      "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n");
  HttpClient client(quick());
  ClientResponse response =
      run(client, {.method = "GET", .url = server.url("/"), .headers = {}, .body = {}});
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(response.header("Location"), "http://169.254.169.254/");
}

TEST(HttpClient, RefusesOversizedBodies) {
  ScriptedServer server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  HttpClient client(quick());
  EXPECT_THROW(run(client, {.method = "GET", .url = server.url("/"), .headers = {}, .body = {}}),
               HttpClientError);
}

TEST(HttpClient, TimesOutASilentServer) {
  ScriptedServer server("");
  HttpClient client(quick());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(run(client, {.method = "GET", .url = server.url("/"), .headers = {}, .body = {}}),
               HttpClientError);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(HttpClient, ReportsBadUrlsAndRefusedConnections) {
  HttpClient client(quick());
  EXPECT_THROW(run(client, {.method = "GET", .url = "ftp://x/", .headers = {}, .body = {}}),
               HttpClientError);
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }  // closed: nothing listens there now
  EXPECT_THROW(run(client, {.method = "GET",
                            .url = "http://127.0.0.1:" + std::to_string(port) + "/",
                            .headers = {},
                            .body = {}}),
               HttpClientError);
  EXPECT_THROW(run(client, {.method = "GET",
                            .url = "http://127.0.0.1:1/",
                            .headers = {{"X-Bad", "a\r\nInjected: yes"}},
                            .body = {}}),
               HttpClientError);
}

TEST(HttpClient, MissingTrustedCaFileFailsAtConstruction) {
  HttpClientOptions options;
  options.trusted_ca_files = {"/nonexistent/ca.pem"};
  EXPECT_THROW(HttpClient client(options), std::runtime_error);
}

}  // namespace
}  // namespace myelin::http
