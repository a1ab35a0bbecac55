// DnsResolver against a real dnsmasq on loopback: addresses of both families, SRV records in
// priority order, "no such name" apart from failures, time-outs, and lookups in parallel.
#include "http/dns/dns_resolver.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "http/dns/dnsmasq_test_server.hpp"

namespace myelin::http::dns {
namespace {

namespace asio = boost::asio;
using testing::DnsmasqServer;

template <typename T>
T run(asio::awaitable<T> work) {
  asio::io_context io;
  auto future = asio::co_spawn(io, std::move(work), asio::use_future);
  io.run();
  return future.get();
}

std::vector<std::string> as_text(const DnsAnswer<asio::ip::address>& answer) {
  std::vector<std::string> out;
  for (const auto& address : answer.records) out.push_back(address.to_string());
  std::sort(out.begin(), out.end());
  return out;
}

class DnsResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dns_ = new DnsmasqServer({
        "--host-record=both.example.test,127.0.0.2,::2",
        "--host-record=four.example.test,127.0.0.3",
        "--host-record=six.example.test,fe80::6",
        "--srv-host=_matrix-fed._tcp.example.test,second.example.test,8449,20,0",
        "--srv-host=_matrix-fed._tcp.example.test,first.example.test,8448,10,0",
    });
  }
  static void TearDownTestSuite() {
    delete dns_;
    dns_ = nullptr;
  }
  DnsResolver resolver() {
    return DnsResolver(DnsResolverOptions{.servers = {dns_->server()},
                                          .timeout = std::chrono::milliseconds(2000)});
  }
  static DnsmasqServer* dns_;
};
DnsmasqServer* DnsResolverTest::dns_ = nullptr;

TEST_F(DnsResolverTest, FindsIpv4AndIpv6Addresses) {
  DnsResolver dns(DnsResolverOptions{.servers = {dns_->server()}});
  auto both = run(dns.addresses("both.example.test"));
  ASSERT_EQ(both.status, DnsStatus::kFound) << both.error;
  EXPECT_EQ(as_text(both), (std::vector<std::string>{"127.0.0.2", "::2"}));
  auto four = run(dns.addresses("four.example.test"));
  ASSERT_EQ(four.status, DnsStatus::kFound);
  EXPECT_EQ(as_text(four), (std::vector<std::string>{"127.0.0.3"}));
  auto six = run(dns.addresses("six.example.test"));
  ASSERT_EQ(six.status, DnsStatus::kFound);
  EXPECT_EQ(as_text(six), (std::vector<std::string>{"fe80::6"}));
}

TEST_F(DnsResolverTest, IpLiteralsNeedNoLookup) {
  DnsResolver dns(DnsResolverOptions{.servers = {dns_->server()}});
  auto v6 = run(dns.addresses("::1"));
  ASSERT_EQ(v6.status, DnsStatus::kFound);
  EXPECT_EQ(as_text(v6), (std::vector<std::string>{"::1"}));
  auto v4 = run(dns.addresses("10.1.2.3"));
  EXPECT_EQ(as_text(v4), (std::vector<std::string>{"10.1.2.3"}));
}

TEST_F(DnsResolverTest, SrvRecordsComeInPriorityOrder) {
  DnsResolver dns(DnsResolverOptions{.servers = {dns_->server()}});
  auto answer = run(dns.srv("_matrix-fed._tcp.example.test"));
  ASSERT_EQ(answer.status, DnsStatus::kFound) << answer.error;
  ASSERT_EQ(answer.records.size(), 2u);
  EXPECT_EQ(answer.records[0].target, "first.example.test");
  EXPECT_EQ(answer.records[0].port, 8448);
  EXPECT_EQ(answer.records[0].priority, 10);
  EXPECT_EQ(answer.records[1].target, "second.example.test");
  EXPECT_EQ(answer.records[1].port, 8449);
}

TEST_F(DnsResolverTest, MissingNamesAndRecordsAreNotFailures) {
  DnsResolver dns(DnsResolverOptions{.servers = {dns_->server()}});
  auto nxdomain = run(dns.addresses("nowhere.example.test"));
  EXPECT_EQ(nxdomain.status, DnsStatus::kNotFound) << nxdomain.error;
  EXPECT_TRUE(nxdomain.records.empty());
  auto no_srv = run(dns.srv("_matrix._tcp.example.test"));
  EXPECT_EQ(no_srv.status, DnsStatus::kNotFound) << no_srv.error;
  auto no_srv_for_host = run(dns.srv("_matrix-fed._tcp.four.example.test"));
  EXPECT_EQ(no_srv_for_host.status, DnsStatus::kNotFound) << no_srv_for_host.error;
}

TEST_F(DnsResolverTest, ASilentServerTimesOut) {
  // A UDP socket that reads nothing: queries vanish, as with a dead resolver.
  const int silent = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string server = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  DnsResolver dns(
      DnsResolverOptions{.servers = {server}, .timeout = std::chrono::milliseconds(300)});
  const auto started = std::chrono::steady_clock::now();
  auto answer = run(dns.srv("_matrix-fed._tcp.example.test"));
  const auto took = std::chrono::steady_clock::now() - started;
  close(silent);
  EXPECT_EQ(answer.status, DnsStatus::kFailed);
  EXPECT_FALSE(answer.error.empty());
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(DnsResolverTest, ManyLookupsAtOnce) {
  DnsResolver dns(DnsResolverOptions{.servers = {dns_->server()}});
  asio::io_context io;
  std::vector<std::future<DnsAnswer<asio::ip::address>>> addresses;
  std::vector<std::future<DnsAnswer<SrvRecord>>> srvs;
  for (int i = 0; i < 20; ++i) {
    addresses.push_back(asio::co_spawn(io, dns.addresses("both.example.test"), asio::use_future));
    srvs.push_back(asio::co_spawn(io, dns.srv("_matrix-fed._tcp.example.test"), asio::use_future));
  }
  io.run();
  for (auto& f : addresses) EXPECT_EQ(f.get().records.size(), 2u);
  for (auto& f : srvs) EXPECT_EQ(f.get().records.size(), 2u);
}

TEST(DnsResolverOptionsTest, AMalformedServerIsRefused) {
  EXPECT_THROW(DnsResolver(DnsResolverOptions{.servers = {"not an address"}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace myelin::http::dns
