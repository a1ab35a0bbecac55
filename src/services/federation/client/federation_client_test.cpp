// FederationClient end to end on loopback: discovery through a real dnsmasq, HTTPS to a local
// server whose certificate comes from a test CA (trusted via trusted_ca_files), X-Matrix
// signatures verified as a receiving server would, the Host header and TLS name discovery
// chose, SRV fall-through, error mapping and pooled connections.
#include "services/federation/client/federation_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/client/test_https_server.hpp"
#include "http/client/test_pki.hpp"
#include "http/dns/dnsmasq_test_server.hpp"
#include "protocol/federation/x_matrix.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::testing::CannedReply;
using http::testing::SeenRequest;

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

CannedReply answer(const SeenRequest& request) {
  const std::string& target = request.target;
  if (target == "/forbidden") return {403, R"({"errcode":"M_FORBIDDEN","error":"go away"})"};
  if (target == "/notjson") return {200, "hello"};
  if (target == "/proxyerror") return {502, "<html>Bad gateway</html>"};
  if (target == "/plain404") return {404, "not here"};
  if (target == "/big") return {200, "{\"x\":\"" + std::string(4096, 'x') + "\"}"};
  return {200, R"({"ok":true})"};
}

class FederationClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new http::testing::TestPki();
    https_ = new http::testing::TestHttpsServer(
        pki_->issue("remote", {"IP:127.0.0.1", "DNS:fed.example.test", "DNS:srvfed.example.test"}),
        answer);
    self_signed_ = new http::testing::TestHttpsServer(
        pki_->self_signed("selfsigned", {"IP:127.0.0.1", "DNS:fed.example.test"}), answer);
    const std::string port = std::to_string(https_->port());
    dns_ = new http::dns::testing::DnsmasqServer({
        "--host-record=fed.example.test,127.0.0.1",
        "--host-record=dead.example.test,127.0.0.2",
        "--host-record=live.example.test,127.0.0.1",
        "--srv-host=_matrix-fed._tcp.srvfed.example.test,dead.example.test," + port + ",10,0",
        "--srv-host=_matrix-fed._tcp.srvfed.example.test,live.example.test," + port + ",20,0",
    });
  }
  static void TearDownTestSuite() {
    delete dns_;
    delete self_signed_;
    delete https_;
    delete pki_;
  }

  FederationClientOptions options() {
    FederationClientOptions out("origin.example.test", key_);
    out.dns_servers = {dns_->server()};
    out.trusted_ca_files = {pki_->ca_file()};
    out.connect_timeout = std::chrono::milliseconds(2000);
    out.request_timeout = std::chrono::milliseconds(2000);
    out.well_known_port = https_->port();
    return out;
  }
  std::string remote() const { return "127.0.0.1:" + std::to_string(https_->port()); }

  static http::testing::TestPki* pki_;
  static http::testing::TestHttpsServer* https_;
  static http::testing::TestHttpsServer* self_signed_;
  static http::dns::testing::DnsmasqServer* dns_;
  crypto::SigningKey key_ = crypto::SigningKey::generate();
};
http::testing::TestPki* FederationClientTest::pki_ = nullptr;
http::testing::TestHttpsServer* FederationClientTest::https_ = nullptr;
http::testing::TestHttpsServer* FederationClientTest::self_signed_ = nullptr;
http::dns::testing::DnsmasqServer* FederationClientTest::dns_ = nullptr;

// The request the server saw last with `target`.
SeenRequest last(const http::testing::TestHttpsServer& server, const std::string& target) {
  auto requests = server.requests();
  for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
    if (it->target == target) return *it;
  }
  return {};
}

TEST_F(FederationClientTest, SignedRequestsVerifyAsTheReceiverChecksThem) {
  FederationClient client(options());
  std::optional<json::value> body = json::parse(R"({"pdus":[],"edus":[{"a":1}]})");
  const std::string path = "/_matrix/federation/v1/send/txn1?x=%20y";
  json::value reply = run(client.request(remote(), "PUT", path, body));
  EXPECT_EQ(json::serialize(reply), R"({"ok":true})");

  SeenRequest seen = last(*https_, path);
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.host, remote());
  EXPECT_EQ(json::parse(seen.body), *body);
  auto credentials = federation::parse_authorization(seen.authorization);
  ASSERT_TRUE(credentials) << seen.authorization;
  EXPECT_EQ(credentials->origin, "origin.example.test");
  EXPECT_EQ(credentials->destination, remote());
  EXPECT_EQ(credentials->key_id, key_.key_id());
  federation::SignedRequest as_received{.method = "PUT",
                                        .uri = path,
                                        .origin = "origin.example.test",
                                        .destination = remote(),
                                        .content = body};
  EXPECT_TRUE(federation::verify_request(as_received, *credentials, key_.public_key()));
  as_received.uri = "/_matrix/federation/v1/send/txn2";
  EXPECT_FALSE(federation::verify_request(as_received, *credentials, key_.public_key()));
}

TEST_F(FederationClientTest, UnsignedRequestsCarryNoAuthorization) {
  FederationClient client(options());
  run(client.request_unsigned(remote(), "GET", "/_matrix/key/v2/server", std::nullopt));
  SeenRequest seen = last(*https_, "/_matrix/key/v2/server");
  EXPECT_EQ(seen.method, "GET");
  EXPECT_TRUE(seen.authorization.empty());
}

TEST_F(FederationClientTest, HostHeaderAndTlsNameFromDiscovery) {
  FederationClient client(options());
  const std::string name = "fed.example.test:" + std::to_string(https_->port());
  run(client.request(name, "GET", "/_matrix/federation/v1/by-name", std::nullopt));
  EXPECT_EQ(last(*https_, "/_matrix/federation/v1/by-name").host, name);
}

TEST_F(FederationClientTest, SrvTargetsAreTriedInOrder) {
  FederationClient client(options());
  // dead.example.test (priority 10) refuses connections; live.example.test answers.
  discovery::ResolvedServer where = run(client.resolve("srvfed.example.test"));
  ASSERT_EQ(where.addresses.size(), 2u);
  EXPECT_EQ(where.addresses[0].ip, "127.0.0.2");
  EXPECT_EQ(where.tls_name, "srvfed.example.test");
  run(client.request("srvfed.example.test", "GET", "/_matrix/federation/v1/srv", std::nullopt));
  SeenRequest seen = last(*https_, "/_matrix/federation/v1/srv");
  EXPECT_EQ(seen.host, "srvfed.example.test");
  auto credentials = federation::parse_authorization(seen.authorization);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->destination, "srvfed.example.test");
}

TEST_F(FederationClientTest, ErrorAnswersBecomeRequestErrors) {
  FederationClient client(options());
  try {
    run(client.request(remote(), "GET", "/forbidden", std::nullopt));
    FAIL() << "no error";
  } catch (const FederationRequestError& e) {
    EXPECT_EQ(e.status(), 403);
    EXPECT_EQ(e.errcode(), "M_FORBIDDEN");
  }
  try {
    run(client.request(remote(), "GET", "/plain404", std::nullopt));
    FAIL() << "no error";
  } catch (const FederationRequestError& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(e.errcode(), "");
  }
}

TEST_F(FederationClientTest, NoUsableAnswerIsUnreachable) {
  FederationClient client(options());
  EXPECT_THROW(run(client.request(remote(), "GET", "/notjson", std::nullopt)),
               FederationUnreachable);
  EXPECT_THROW(run(client.request(remote(), "GET", "/proxyerror", std::nullopt)),
               FederationUnreachable);
  EXPECT_THROW(run(client.request("nowhere.example.test", "GET", "/x", std::nullopt)),
               FederationUnreachable);
  EXPECT_THROW(run(client.request("not a server", "GET", "/x", std::nullopt)),
               FederationUnreachable);
  FederationClientOptions small = options();
  small.max_response_size = 1024;
  FederationClient capped(small);
  EXPECT_THROW(run(capped.request(remote(), "GET", "/big", std::nullopt)), FederationUnreachable);
  EXPECT_NO_THROW(run(client.request(remote(), "GET", "/big", std::nullopt)));
}

TEST_F(FederationClientTest, UntrustedCertificatesAreRefusedUnlessChecksAreOff) {
  const std::string self_signed = "127.0.0.1:" + std::to_string(self_signed_->port());
  FederationClient client(options());
  EXPECT_THROW(run(client.request(self_signed, "GET", "/x", std::nullopt)), FederationUnreachable);
  FederationClientOptions no_ca = options();
  no_ca.trusted_ca_files.clear();
  FederationClient without_test_ca(no_ca);
  EXPECT_THROW(run(without_test_ca.request(remote(), "GET", "/x", std::nullopt)),
               FederationUnreachable);
  FederationClientOptions lax = options();
  lax.verify_certificates = false;
  FederationClient unchecked(lax);
  EXPECT_NO_THROW(run(unchecked.request(self_signed, "GET", "/x", std::nullopt)));
}

TEST_F(FederationClientTest, ConnectionsAreReused) {
  FederationClient client(options());
  const int before = https_->connections();
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      std::optional<json::value> none;
      co_await client.request(remote(), "GET", "/_matrix/federation/v1/again", none);
    }
  }());
  EXPECT_EQ(https_->connections() - before, 1);
}

}  // namespace
}  // namespace myelin::services
