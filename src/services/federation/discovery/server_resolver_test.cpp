// ServerResolver against a real dnsmasq and a local HTTPS server for /.well-known/matrix/server
// (certificate from a test CA trusted through trusted_ca_files): every step of the spec's
// "Resolving server names", redirects, and the well-known cache with an injected clock.
#include "services/federation/discovery/server_resolver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <mutex>

#include "http/client/test_https_server.hpp"
#include "http/client/test_pki.hpp"
#include "http/dns/dnsmasq_test_server.hpp"
#include "services/federation/discovery/well_known_cache_policy.hpp"

namespace myelin::services::discovery {
namespace {

namespace asio = boost::asio;
using http::testing::CannedReply;
using http::testing::SeenRequest;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

template <typename T>
T run(asio::awaitable<T> work) {
  asio::io_context io;
  auto future = asio::co_spawn(io, std::move(work), asio::use_future);
  io.run();
  return future.get();
}

// Every test name whose well-known matters resolves to 127.0.0.1, where the HTTPS server
// listens; names resolving elsewhere (or nowhere) have no well-known at all.
const std::vector<std::string> kWellKnownHosts = {
    "delegator", "wk-port", "wk-ip", "wk-old",     "wk-plain",   "wk-redirect", "wk-relative",
    "wk-loop",   "wk-far",  "srv",   "oldsrv",     "bothsrv",    "plain",       "cached",
    "flaky",     "down",    "deflt", "wk-badjson", "wk-badname", "backoff"};

std::vector<std::string> dns_records() {
  std::vector<std::string> records;
  for (const std::string& host : kWellKnownHosts) {
    records.push_back("--host-record=" + host + ".example.test,127.0.0.1");
  }
  for (const char* record : {
           "--host-record=explicit.example.test,127.0.0.5,::5",
           "--host-record=delegated.example.test,127.0.0.7",
           "--host-record=fedtarget.example.test,127.0.0.6",
           "--host-record=oldtarget.example.test,127.0.0.9",
           "--host-record=plaindelegated.example.test,127.0.0.8",
           "--host-record=tgt1.example.test,127.0.0.10",
           "--host-record=tgt2.example.test,127.0.0.11,::11",
           "--host-record=one.example.test,127.0.1.1",
           "--host-record=two.example.test,127.0.1.2",
           "--srv-host=_matrix-fed._tcp.delegated.example.test,fedtarget.example.test,8450,10,0",
           "--srv-host=_matrix._tcp.olddelegated.example.test,oldtarget.example.test,8451,10,0",
           "--host-record=olddelegated.example.test,127.0.0.12",
           "--srv-host=_matrix-fed._tcp.srv.example.test,tgt2.example.test,8452,20,0",
           "--srv-host=_matrix-fed._tcp.srv.example.test,tgt1.example.test,8453,10,0",
           "--srv-host=_matrix-fed._tcp.srv.example.test,missing.example.test,8454,30,0",
           "--srv-host=_matrix._tcp.oldsrv.example.test,tgt1.example.test,8455,10,0",
           "--srv-host=_matrix-fed._tcp.bothsrv.example.test,tgt1.example.test,8456,10,0",
           "--srv-host=_matrix._tcp.bothsrv.example.test,tgt2.example.test,8457,10,0",
       }) {
    records.emplace_back(record);
  }
  return records;
}

// What the HTTPS server answers, per host (without port) and path; 404 otherwise.
class WellKnownSite {
 public:
  void set(const std::string& host, CannedReply reply,
           const std::string& path = "/.well-known/matrix/server") {
    std::lock_guard lock(mutex_);
    replies_[host + path] = std::move(reply);
  }
  CannedReply answer(const SeenRequest& request) {
    std::lock_guard lock(mutex_);
    const std::string host = request.host.substr(0, request.host.rfind(':')) == ""
                                 ? request.host
                                 : request.host.substr(0, request.host.find(':'));
    ++fetches_[host];
    auto found = replies_.find(host + request.target);
    if (found == replies_.end()) return {404, R"({"errcode":"M_NOT_FOUND"})"};
    return found->second;
  }
  int fetches(const std::string& host) {
    std::lock_guard lock(mutex_);
    return fetches_[host];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, CannedReply> replies_;
  std::map<std::string, int> fetches_;
};

CannedReply delegate_to(const std::string& server, const std::string& cache_control = "") {
  CannedReply reply{200, "{\"m.server\":\"" + server + "\"}"};
  if (!cache_control.empty()) reply.headers.push_back({"Cache-Control", cache_control});
  return reply;
}

std::vector<std::string> addresses(const ResolvedServer& server) {
  std::vector<std::string> out;
  for (const auto& a : server.addresses) out.push_back(a.ip + " " + std::to_string(a.port));
  return out;
}

class ServerResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dns_server_ = new http::dns::testing::DnsmasqServer(dns_records());
    pki_ = new http::testing::TestPki();
    std::vector<std::string> names;
    for (const std::string& host : kWellKnownHosts)
      names.push_back("DNS:" + host + ".example.test");
    site_ = new WellKnownSite();
    https_ = new http::testing::TestHttpsServer(
        pki_->issue("wellknown", names),
        [](const SeenRequest& request) { return site_->answer(request); });
    site_->set("delegator.example.test", delegate_to("delegated.example.test"));
    site_->set("wk-port.example.test", delegate_to("delegated.example.test:9000"));
    site_->set("wk-ip.example.test", delegate_to("[::1]:9001"));
    site_->set("wk-far.example.test", delegate_to("10.20.30.40"));
    site_->set("wk-old.example.test", delegate_to("olddelegated.example.test"));
    site_->set("wk-plain.example.test", delegate_to("plaindelegated.example.test"));
    const std::string port = std::to_string(https_->port());
    site_->set(
        "wk-redirect.example.test",
        {302,
         "",
         {{"Location", "https://delegator.example.test:" + port + "/.well-known/matrix/server"}}});
    site_->set("wk-relative.example.test", {301, "", {{"Location", "/elsewhere"}}});
    site_->set("wk-relative.example.test", delegate_to("delegated.example.test:9002"),
               "/elsewhere");
    site_->set(
        "wk-loop.example.test",
        {302,
         "",
         {{"Location", "https://wk-loop.example.test:" + port + "/.well-known/matrix/server"}}});
    site_->set("wk-badjson.example.test", {200, "{\"m.server\": "});
    site_->set("wk-badname.example.test", delegate_to("not a name"));
  }
  static void TearDownTestSuite() {
    delete https_;
    delete site_;
    delete pki_;
    delete dns_server_;
  }

  ServerResolverTest()
      : dns_(http::dns::DnsResolverOptions{.servers = {dns_server_->server()},
                                           .timeout = milliseconds(2000)}),
        resolver_(dns_, ServerResolverOptions{.trusted_ca_files = {pki_->ca_file()},
                                              .verify_certificates = true,
                                              .well_known_timeout = milliseconds(2000),
                                              .well_known_port = https_->port(),
                                              .now_ms = [this] { return now_ms_; }}) {}

  ResolvedServer resolve(const std::string& name) { return run(resolver_.resolve(name)); }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

  static http::dns::testing::DnsmasqServer* dns_server_;
  static http::testing::TestPki* pki_;
  static WellKnownSite* site_;
  static http::testing::TestHttpsServer* https_;
  std::int64_t now_ms_ = 1'700'000'000'000;
  http::dns::DnsResolver dns_;
  ServerResolver resolver_;
};
http::dns::testing::DnsmasqServer* ServerResolverTest::dns_server_ = nullptr;
http::testing::TestPki* ServerResolverTest::pki_ = nullptr;
WellKnownSite* ServerResolverTest::site_ = nullptr;
http::testing::TestHttpsServer* ServerResolverTest::https_ = nullptr;

TEST_F(ServerResolverTest, Step1IpLiterals) {
  ResolvedServer v4 = resolve("192.0.2.1");
  EXPECT_EQ(v4.host_header, "192.0.2.1");
  EXPECT_EQ(v4.tls_name, "192.0.2.1");
  EXPECT_EQ(addresses(v4), (std::vector<std::string>{"192.0.2.1 8448"}));
  ResolvedServer v4_port = resolve("192.0.2.1:99");
  EXPECT_EQ(v4_port.host_header, "192.0.2.1:99");
  EXPECT_EQ(addresses(v4_port), (std::vector<std::string>{"192.0.2.1 99"}));
  ResolvedServer v6 = resolve("[2001:db8::1]");
  EXPECT_EQ(v6.host_header, "[2001:db8::1]");
  EXPECT_EQ(v6.tls_name, "2001:db8::1");
  EXPECT_EQ(addresses(v6), (std::vector<std::string>{"2001:db8::1 8448"}));
  ResolvedServer v6_port = resolve("[::1]:8449");
  EXPECT_EQ(v6_port.host_header, "[::1]:8449");
  EXPECT_EQ(v6_port.tls_name, "::1");
  EXPECT_EQ(addresses(v6_port), (std::vector<std::string>{"::1 8449"}));
}

TEST_F(ServerResolverTest, Step2ExplicitPortSkipsWellKnownAndSrv) {
  ResolvedServer server = resolve("explicit.example.test:8449");
  EXPECT_EQ(server.host_header, "explicit.example.test:8449");
  EXPECT_EQ(server.tls_name, "explicit.example.test");
  auto found = addresses(server);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"127.0.0.5 8449", "::5 8449"}));
  EXPECT_EQ(site_->fetches("explicit.example.test"), 0);
}

TEST_F(ServerResolverTest, Step3_3DelegationThenSrvOfTheDelegatedName) {
  ResolvedServer server = resolve("delegator.example.test");
  EXPECT_EQ(server.host_header, "delegated.example.test");
  EXPECT_EQ(server.tls_name, "delegated.example.test");  // the SRV target is not the TLS name
  EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.6 8450"}));
}

TEST_F(ServerResolverTest, Step3_2DelegationWithPort) {
  ResolvedServer server = resolve("wk-port.example.test");
  EXPECT_EQ(server.host_header, "delegated.example.test:9000");
  EXPECT_EQ(server.tls_name, "delegated.example.test");
  EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.7 9000"}));
}

TEST_F(ServerResolverTest, Step3_1DelegationToIpLiterals) {
  ResolvedServer v6 = resolve("wk-ip.example.test");
  EXPECT_EQ(v6.host_header, "[::1]:9001");
  EXPECT_EQ(v6.tls_name, "::1");
  EXPECT_EQ(addresses(v6), (std::vector<std::string>{"::1 9001"}));
  ResolvedServer v4 = resolve("wk-far.example.test");
  EXPECT_EQ(v4.host_header, "10.20.30.40");
  EXPECT_EQ(addresses(v4), (std::vector<std::string>{"10.20.30.40 8448"}));
}

TEST_F(ServerResolverTest, Step3_4DeprecatedSrvOfTheDelegatedName) {
  ResolvedServer server = resolve("wk-old.example.test");
  EXPECT_EQ(server.host_header, "olddelegated.example.test");
  EXPECT_EQ(server.tls_name, "olddelegated.example.test");
  EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.9 8451"}));
}

TEST_F(ServerResolverTest, Step3_5DelegatedNameOn8448) {
  ResolvedServer server = resolve("wk-plain.example.test");
  EXPECT_EQ(server.host_header, "plaindelegated.example.test");
  EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.8 8448"}));
}

TEST_F(ServerResolverTest, RedirectsAreFollowed) {
  ResolvedServer absolute = resolve("wk-redirect.example.test");
  EXPECT_EQ(absolute.host_header, "delegated.example.test");
  EXPECT_EQ(addresses(absolute), (std::vector<std::string>{"127.0.0.6 8450"}));
  ResolvedServer relative = resolve("wk-relative.example.test");
  EXPECT_EQ(relative.host_header, "delegated.example.test:9002");
}

TEST_F(ServerResolverTest, ARedirectLoopMeansNoDelegation) {
  ResolvedServer server = resolve("wk-loop.example.test");
  EXPECT_EQ(server.host_header, "wk-loop.example.test");
  EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.1 8448"}));
  EXPECT_LE(site_->fetches("wk-loop.example.test"), 2);
}

TEST_F(ServerResolverTest, InvalidDocumentsMeanNoDelegation) {
  for (const char* name : {"wk-badjson.example.test", "wk-badname.example.test"}) {
    ResolvedServer server = resolve(name);
    EXPECT_EQ(server.host_header, name);
    EXPECT_EQ(server.tls_name, name);
    EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.1 8448"}));
  }
}

TEST_F(ServerResolverTest, Step4SrvInPriorityOrderSkippingTargetsWithoutAddress) {
  ResolvedServer server = resolve("srv.example.test");
  EXPECT_EQ(server.host_header, "srv.example.test");
  EXPECT_EQ(server.tls_name, "srv.example.test");
  auto found = addresses(server);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], "127.0.0.10 8453");
  std::sort(found.begin() + 1, found.end());
  EXPECT_EQ(found[1], "127.0.0.11 8452");
  EXPECT_EQ(found[2], "::11 8452");
}

TEST_F(ServerResolverTest, Step5DeprecatedSrvOnlyWithoutTheNewOne) {
  EXPECT_EQ(addresses(resolve("oldsrv.example.test")),
            (std::vector<std::string>{"127.0.0.10 8455"}));
  EXPECT_EQ(addresses(resolve("bothsrv.example.test")),
            (std::vector<std::string>{"127.0.0.10 8456"}));
}

TEST_F(ServerResolverTest, Step6AddressesOn8448) {
  ResolvedServer server = resolve("plain.example.test");
  EXPECT_EQ(server.host_header, "plain.example.test");
  EXPECT_EQ(server.tls_name, "plain.example.test");
  EXPECT_EQ(addresses(server), (std::vector<std::string>{"127.0.0.1 8448"}));
}

TEST_F(ServerResolverTest, NowhereToGoIsAnError) {
  EXPECT_THROW(resolve("nowhere.example.test"), DiscoveryError);
  EXPECT_THROW(resolve("not a server name"), DiscoveryError);
  EXPECT_THROW(resolve("missing.example.test:8448"), DiscoveryError);
}

TEST_F(ServerResolverTest, WellKnownCachedForItsMaxAge) {
  site_->set("cached.example.test", delegate_to("one.example.test:1", "max-age=3600"));
  EXPECT_EQ(resolve("cached.example.test").host_header, "one.example.test:1");
  site_->set("cached.example.test", delegate_to("two.example.test:2", "max-age=3600"));
  advance(minutes(59));
  EXPECT_EQ(resolve("cached.example.test").host_header, "one.example.test:1");
  EXPECT_EQ(site_->fetches("cached.example.test"), 1);
  advance(minutes(2));
  EXPECT_EQ(resolve("cached.example.test").host_header, "two.example.test:2");
  EXPECT_EQ(site_->fetches("cached.example.test"), 2);
}

TEST_F(ServerResolverTest, WellKnownWithoutCacheControlKeptForADay) {
  site_->set("deflt.example.test", delegate_to("one.example.test:1"));
  EXPECT_EQ(resolve("deflt.example.test").host_header, "one.example.test:1");
  advance(hours(23));
  EXPECT_EQ(resolve("deflt.example.test").host_header, "one.example.test:1");
  EXPECT_EQ(site_->fetches("deflt.example.test"), 1);
  advance(hours(1) + minutes(1));
  resolve("deflt.example.test");
  EXPECT_EQ(site_->fetches("deflt.example.test"), 2);
}

TEST_F(ServerResolverTest, AMissingWellKnownIsCachedForAnHour) {
  EXPECT_EQ(resolve("flaky.example.test").host_header, "flaky.example.test");  // 404
  site_->set("flaky.example.test", delegate_to("one.example.test:1"));
  advance(minutes(59));
  EXPECT_EQ(resolve("flaky.example.test").host_header, "flaky.example.test");
  EXPECT_EQ(site_->fetches("flaky.example.test"), 1);
  advance(minutes(2));
  EXPECT_EQ(resolve("flaky.example.test").host_header, "one.example.test:1");
}

TEST_F(ServerResolverTest, AServerErrorIsCachedBriefly) {
  site_->set("down.example.test", {503, "{}"});
  EXPECT_EQ(resolve("down.example.test").host_header, "down.example.test");
  site_->set("down.example.test", delegate_to("one.example.test:1"));
  advance(minutes(1));
  EXPECT_EQ(resolve("down.example.test").host_header, "down.example.test");
  advance(kWellKnownDownCache);
  EXPECT_EQ(resolve("down.example.test").host_header, "one.example.test:1");
  EXPECT_EQ(site_->fetches("down.example.test"), 2);
}

TEST_F(ServerResolverTest, RepeatedlyUnreachableHostsAreAskedLessOften) {
  site_->set("backoff.example.test", {503, "{}"});
  resolve("backoff.example.test");  // 1st failure: 2 minutes
  advance(minutes(2) + std::chrono::seconds(1));
  resolve("backoff.example.test");  // 2nd: 4 minutes
  advance(minutes(3));
  resolve("backoff.example.test");
  EXPECT_EQ(site_->fetches("backoff.example.test"), 2);
  advance(minutes(1) + std::chrono::seconds(1));
  resolve("backoff.example.test");  // 3rd: 8 minutes
  EXPECT_EQ(site_->fetches("backoff.example.test"), 3);
  site_->set("backoff.example.test", delegate_to("one.example.test:1"));
  advance(minutes(7));
  EXPECT_EQ(resolve("backoff.example.test").host_header, "backoff.example.test");
  advance(minutes(1) + std::chrono::seconds(1));
  EXPECT_EQ(resolve("backoff.example.test").host_header, "one.example.test:1");
}

TEST_F(ServerResolverTest, AnUntrustedWellKnownIsNoDelegation) {
  http::dns::DnsResolver dns(http::dns::DnsResolverOptions{.servers = {dns_server_->server()}});
  // Without the test CA the well-known host's certificate is not trusted.
  ServerResolver untrusting(dns, ServerResolverOptions{.trusted_ca_files = {},
                                                       .verify_certificates = true,
                                                       .well_known_timeout = milliseconds(2000),
                                                       .well_known_port = https_->port(),
                                                       .now_ms = {}});
  EXPECT_EQ(run(untrusting.resolve("delegator.example.test")).host_header,
            "delegator.example.test");
  ServerResolver unchecked(dns, ServerResolverOptions{.trusted_ca_files = {},
                                                      .verify_certificates = false,
                                                      .well_known_timeout = milliseconds(2000),
                                                      .well_known_port = https_->port(),
                                                      .now_ms = {}});
  EXPECT_EQ(run(unchecked.resolve("delegator.example.test")).host_header, "delegated.example.test");
}

}  // namespace
}  // namespace myelin::services::discovery
