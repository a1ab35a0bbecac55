#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>

#include "http/server/server_test_support.hpp"

namespace myelin::http::testing {
namespace {

namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

class TlsTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("myelin-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    // A throwaway self-signed certificate from the real openssl tool.
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-days 1 -subj /CN=localhost -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ServerOptions tls_options(std::string cert, std::string key) {
    ServerOptions options;
    ListenerOptions listener;
    listener.port = 0;
    listener.tls = TlsFiles{std::move(cert), std::move(key)};
    options.listeners.push_back(listener);
    return options;
  }

  fs::path dir_;
};

TEST_F(TlsTest, ServesRequestsOverTls) {
  start(tls_options((dir_ / "cert.pem").string(), (dir_ / "key.pem").string()));
  run([&]() -> asio::awaitable<void> {
    ssl::context client_tls(ssl::context::tls_client);
    client_tls.set_verify_mode(ssl::verify_none);  // self-signed; this test is about serving
    beast::ssl_stream<beast::tcp_stream> stream(co_await asio::this_coro::executor, client_tls);
    auto [cec] = co_await beast::get_lowest_layer(stream).async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()), kTuple);
    EXPECT_FALSE(cec);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
    EXPECT_FALSE(hec) << hec.message();
    beast::flat_buffer buffer;
    for (int i = 0; i < 2; ++i) {  // keep-alive over TLS too
      bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/_matrix/client/v3/fast", 11};
      request.set(bhttp::field::host, "localhost");
      auto [wec, written] = co_await bhttp::async_write(stream, request, kTuple);
      EXPECT_FALSE(wec);
      bhttp::response<bhttp::string_body> response;
      auto [rec, read] = co_await bhttp::async_read(stream, buffer, response, kTuple);
      EXPECT_FALSE(rec) << rec.message();
      EXPECT_EQ(response.result_int(), 200u);
      EXPECT_EQ(response.body(), R"({"fast":true})");
    }
  });
}

TEST_F(TlsTest, UnreadableFilesFailAtStart) {
  EXPECT_THROW(start(tls_options((dir_ / "missing.pem").string(), (dir_ / "key.pem").string())),
               std::runtime_error);
  EXPECT_THROW(start(tls_options((dir_ / "cert.pem").string(), (dir_ / "cert.pem").string())),
               std::runtime_error);
}

}  // namespace
}  // namespace myelin::http::testing
