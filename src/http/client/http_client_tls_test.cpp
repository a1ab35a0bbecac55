// HttpClient over TLS against a local HTTPS server with certificates from a test CA: addresses
// chosen apart from the URL (connect_to), the TLS name checked apart from the Host header,
// untrusted and misnamed certificates refused, and keep-alive connections pooled and reused.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "http/client/http_client.hpp"
#include "http/client/test_https_server.hpp"
#include "http/client/test_pki.hpp"

namespace myelin::http {
namespace {

namespace asio = boost::asio;
using testing::CannedReply;
using testing::SeenRequest;
using testing::TestHttpsServer;
using testing::TestPki;

// One io_context for the whole test: pooled connections belong to the context they were made
// on, so it must outlive every client (it is destroyed after the test body's clients).
asio::io_context& test_io() {
  static asio::io_context io;
  return io;
}

template <typename T>
T run(asio::awaitable<T> work) {
  asio::io_context& io = test_io();
  io.restart();
  auto future = asio::co_spawn(io, std::move(work), asio::use_future);
  io.run();
  return future.get();
}

CannedReply ok(const SeenRequest& request) {
  return {200, "{\"path\":\"" + request.target + "\"}"};
}

class HttpClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    good_ = new testing::CertificateFiles(
        pki_->issue("right", {"DNS:right.example.test", "IP:127.0.0.1"}));
    self_signed_ =
        new testing::CertificateFiles(pki_->self_signed("selfsigned", {"DNS:right.example.test"}));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete self_signed_;
    delete pki_;
  }

  HttpClientOptions options(std::size_t idle_per_host = 0) {
    HttpClientOptions out;
    out.trusted_ca_files = {pki_->ca_file()};
    out.connect_timeout = std::chrono::milliseconds(2000);
    out.read_timeout = std::chrono::milliseconds(2000);
    out.max_idle_per_host = idle_per_host;
    return out;
  }

  static ClientRequest to(const TestHttpsServer& server, std::string url, std::string tls_name) {
    ClientRequest request;
    request.url = std::move(url);
    request.connect_to = {{"127.0.0.1", server.port()}};
    request.tls_name = std::move(tls_name);
    return request;
  }

  static TestPki* pki_;
  static testing::CertificateFiles* good_;
  static testing::CertificateFiles* self_signed_;
};
TestPki* HttpClientTlsTest::pki_ = nullptr;
testing::CertificateFiles* HttpClientTlsTest::good_ = nullptr;
testing::CertificateFiles* HttpClientTlsTest::self_signed_ = nullptr;

TEST_F(HttpClientTlsTest, ConnectsWhereToldWithTheUrlAsHostHeader) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options());
  ClientResponse response =
      run(client.send(to(server, "https://right.example.test/hello?x=1", "")));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"path\":\"/hello?x=1\"}");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].host, "right.example.test");
}

TEST_F(HttpClientTlsTest, TlsNameIsCheckedApartFromTheHostHeader) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options());
  ClientResponse response =
      run(client.send(to(server, "https://delegator.example.test:8448/x", "right.example.test")));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(server.requests().at(0).host, "delegator.example.test:8448");
}

TEST_F(HttpClientTlsTest, AnIpLiteralMustBeInTheCertificate) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options());
  EXPECT_EQ(run(client.send(to(server, "https://127.0.0.1:8448/x", ""))).status, 200);
}

TEST_F(HttpClientTlsTest, AWrongNameIsRefused) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options());
  try {
    run(client.send(to(server, "https://right.example.test/x", "wrong.example.test")));
    FAIL() << "a certificate for another name was accepted";
  } catch (const HttpClientError& e) {
    EXPECT_NE(std::string(e.what()).find("not trusted"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpClientTlsTest, ASelfSignedCertificateIsRefusedUnlessChecksAreOff) {
  TestHttpsServer server(*self_signed_, ok);
  HttpClient client(options());
  EXPECT_THROW(run(client.send(to(server, "https://right.example.test/x", ""))), HttpClientError);
  HttpClientOptions unchecked = options();
  unchecked.verify_certificates = false;
  HttpClient lax(unchecked);
  EXPECT_EQ(run(lax.send(to(server, "https://right.example.test/x", "wrong.example.test"))).status,
            200);
}

TEST_F(HttpClientTlsTest, WithoutTheTestCaNothingIsTrusted) {
  TestHttpsServer server(*good_, ok);
  HttpClientOptions no_ca = options();
  no_ca.trusted_ca_files.clear();
  HttpClient client(no_ca);
  EXPECT_THROW(run(client.send(to(server, "https://right.example.test/x", ""))), HttpClientError);
}

TEST_F(HttpClientTlsTest, FallsThroughToTheNextAddress) {
  TestHttpsServer server(*good_, ok);
  std::uint16_t closed = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed = probe.local_endpoint().port();
  }
  HttpClient client(options());
  ClientRequest request = to(server, "https://right.example.test/x", "");
  request.connect_to.insert(request.connect_to.begin(), {"127.0.0.1", closed});
  EXPECT_EQ(run(client.send(request)).status, 200);
  request.connect_to = {{"127.0.0.1", closed}};
  EXPECT_THROW(run(client.send(request)), HttpClientError);
}

// Several requests on one io_context (pooled connections belong to the context that made them).
std::vector<int> send_all(HttpClient& client, std::vector<ClientRequest> requests) {
  return run([&client, requests]() -> asio::awaitable<std::vector<int>> {
    std::vector<int> statuses;
    for (ClientRequest request : requests) {
      ClientResponse response = co_await client.send(request);
      statuses.push_back(response.status);
    }
    co_return statuses;
  }());
}

TEST_F(HttpClientTlsTest, PooledConnectionsAreReused) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options(4));
  ClientRequest request = to(server, "https://right.example.test/x", "");
  EXPECT_EQ(send_all(client, {request, request, request}), (std::vector<int>{200, 200, 200}));
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(HttpClientTlsTest, PoolKeysOnTheTlsName) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options(4));
  ClientRequest by_name = to(server, "https://right.example.test/x", "");
  ClientRequest by_ip = to(server, "https://right.example.test/x", "127.0.0.1");
  EXPECT_EQ(send_all(client, {by_name, by_ip, by_name, by_ip}),
            (std::vector<int>{200, 200, 200, 200}));
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client.idle_connections(), 2u);
}

TEST_F(HttpClientTlsTest, WithoutPoolingEachRequestHasItsConnection) {
  TestHttpsServer server(*good_, ok);
  HttpClient client(options(0));
  ClientRequest request = to(server, "https://right.example.test/x", "");
  EXPECT_EQ(send_all(client, {request, request}), (std::vector<int>{200, 200}));
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST_F(HttpClientTlsTest, AConnectionTheServerDroppedIsNotReused) {
  TestHttpsServer server(*good_, [](const SeenRequest&) {
    CannedReply reply{200, "{}"};
    reply.drop = true;
    return reply;
  });
  HttpClient client(options(4));
  ClientRequest request = to(server, "https://right.example.test/x", "");
  EXPECT_EQ(send_all(client, {request, request}), (std::vector<int>{200, 200}));
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(HttpClientTlsTest, ConnectionCloseIsHonoured) {
  TestHttpsServer server(*good_, [](const SeenRequest&) {
    CannedReply reply{200, "{}"};
    reply.close = true;
    return reply;
  });
  HttpClient client(options(4));
  ClientRequest request = to(server, "https://right.example.test/x", "");
  EXPECT_EQ(send_all(client, {request, request}), (std::vector<int>{200, 200}));
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client.idle_connections(), 0u);
}

}  // namespace
}  // namespace myelin::http
