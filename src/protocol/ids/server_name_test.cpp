#include "protocol/ids/server_name.hpp"

#include <gtest/gtest.h>

namespace myelin::ids {
namespace {

// The examples of the spec appendix "Server Name".
TEST(ServerName, SpecExamples) {
  auto a = ServerName::parse("matrix.org");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host(), "matrix.org");
  EXPECT_FALSE(a->port());
  EXPECT_FALSE(a->is_ip_literal());

  auto b = ServerName::parse("matrix.org:8888");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host(), "matrix.org");
  EXPECT_EQ(b->port(), 8888);

  auto c = ServerName::parse("1.2.3.4");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host_kind(), ServerName::HostKind::kIpv4);

  auto d = ServerName::parse("1.2.3.4:1234");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port(), 1234);

  auto e = ServerName::parse("[1234:5678::abcd]");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host(), "[1234:5678::abcd]");
  EXPECT_EQ(e->host_kind(), ServerName::HostKind::kIpv6);

  auto f = ServerName::parse("[1234:5678::abcd]:5678");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->port(), 5678);
  EXPECT_EQ(f->to_string(), "[1234:5678::abcd]:5678");
}

TEST(ServerName, Ports) {
  EXPECT_TRUE(ServerName::is_valid("a.org:1"));
  EXPECT_TRUE(ServerName::is_valid("a.org:65535"));
  EXPECT_FALSE(ServerName::is_valid("a.org:0"));
  EXPECT_FALSE(ServerName::is_valid("a.org:65536"));
  EXPECT_FALSE(ServerName::is_valid("a.org:"));
  EXPECT_FALSE(ServerName::is_valid("a.org:+80"));
  EXPECT_FALSE(ServerName::is_valid("a.org:80a"));
  EXPECT_FALSE(ServerName::is_valid("a.org:008448"));
  EXPECT_FALSE(ServerName::is_valid("a.org:1:2"));
  EXPECT_FALSE(ServerName::is_valid("a.org:-1"));
  EXPECT_FALSE(ServerName::is_valid("a.org: 80"));
  EXPECT_FALSE(ServerName::is_valid("a.org:99999"));
  EXPECT_FALSE(ServerName::is_valid("a.org:\xd9\xa1"));  // ARABIC-INDIC DIGIT ONE
  EXPECT_EQ(ServerName::parse("a.org:1")->port(), 1);
  EXPECT_EQ(ServerName::parse("a.org:65535")->port(), 65535);
  EXPECT_EQ(ServerName::parse("a.org:08448")->port(), 8448);  // 1*5DIGIT allows leading zeros
  EXPECT_EQ(ServerName::parse("1.2.3.4:65535")->port(), 65535);
  EXPECT_FALSE(ServerName::is_valid("1.2.3.4:0"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3.4:65536"));
  EXPECT_EQ(ServerName::parse("[::1]:1")->port(), 1);
  EXPECT_FALSE(ServerName::is_valid("[::1]:65536"));
  auto error = ServerName::parse("a.org:0");
  EXPECT_NE(error.error().find("port"), std::string::npos) << error.error();
}

TEST(ServerName, Ipv4Literals) {
  EXPECT_TRUE(ServerName::is_valid("255.255.255.255"));
  EXPECT_TRUE(ServerName::is_valid("127.0.0.1:8008"));
  EXPECT_FALSE(ServerName::is_valid("256.1.1.1"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3.4.5"));
  EXPECT_FALSE(ServerName::is_valid("1..3.4"));
  EXPECT_FALSE(ServerName::is_valid("1234.1.1.1"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3.256"));
  EXPECT_FALSE(ServerName::is_valid("256.1.1.1:8448"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3.4."));
  EXPECT_TRUE(ServerName::is_valid("0.0.0.0"));
  EXPECT_TRUE(ServerName::is_valid("001.002.003.004"));  // 1*3DIGIT
  auto ip = ServerName::parse("10.0.0.1:8448");
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->host(), "10.0.0.1");
  EXPECT_TRUE(ip->is_ip_literal());
  // RFC 1123 2.1, which the spec's grammar follows: a host name never has the dotted-decimal
  // form, so digits and dots are an IP literal and must be a valid one.
  EXPECT_FALSE(ServerName::is_valid("123"));
  EXPECT_TRUE(ServerName::is_valid("1.2.3.4.example.org"));
  EXPECT_TRUE(ServerName::is_valid("123.example"));
}

TEST(ServerName, Ipv6Literals) {
  for (auto good :
       {"[::1]", "[::]", "[::1]:8448", "[2001:db8::8:800:200c:417a]",
        "[2001:DB8:0:0:8:800:200C:417A]", "[::ffff:192.0.2.1]", "[1:2:3:4:5:6:7:8]", "[1::]"}) {
    EXPECT_TRUE(ServerName::is_valid(good)) << good;
  }
  for (auto bad : {"[]",
                   "[:]",
                   "[::1",
                   "::1",
                   "[1:2:3:4:5:6:7:8:9]",
                   "[1::2::3]",
                   "[12345::]",
                   "[g::1]",
                   "[::1]x",
                   "[::1]:",
                   "[::1]:0",
                   "[:1]",
                   "[1:]",
                   "[::1.2.3]",
                   "[[::1]]",
                   "[::1]]",
                   "[1:2:3:4:5:6:7::8]",
                   "[1::2:3:4:5:6:7:8]",
                   "[::1.2.3.4:5]",
                   "[::256.1.1.1]",
                   "[ ::1]",
                   "[::1%eth0]",
                   "[1:2:3:4:5:6:7]",
                   "[:::]",
                   "::1:8448"}) {
    EXPECT_FALSE(ServerName::is_valid(bad)) << bad;
  }
  auto v6 = ServerName::parse("[::1]:8448");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->is_ip_literal());
  EXPECT_EQ(v6->host(), "[::1]");
  // 45 characters, the spec's 2*45IPv6char limit and the longest RFC 3513 text form.
  std::string longest_v6 = "0000:0000:0000:0000:0000:ffff:255.255.255.255";
  ASSERT_EQ(longest_v6.size(), 45u);
  EXPECT_TRUE(ServerName::is_valid("[" + longest_v6 + "]"));
  EXPECT_FALSE(ServerName::is_valid("[0" + longest_v6 + "]"));
  EXPECT_TRUE(ServerName::is_valid("[1:2:3:4:5:6:1.2.3.4]"));
  EXPECT_TRUE(ServerName::is_valid("[::1.2.3.4]"));
}

TEST(ServerName, DnsNames) {
  EXPECT_TRUE(ServerName::is_valid("localhost"));
  EXPECT_TRUE(ServerName::is_valid("my-server.example.org"));
  EXPECT_TRUE(ServerName::is_valid("MATRIX.ORG"));  // valid, if not recommended
  EXPECT_FALSE(ServerName::is_valid(""));
  EXPECT_FALSE(ServerName::is_valid("exa mple.org"));
  EXPECT_FALSE(ServerName::is_valid("exämple.org"));
  EXPECT_FALSE(ServerName::is_valid("example.org/"));
  EXPECT_FALSE(ServerName::is_valid("@example.org"));
  EXPECT_FALSE(ServerName::is_valid(":80"));
  EXPECT_FALSE(ServerName::is_valid("a_b.org"));
  EXPECT_FALSE(ServerName::is_valid("a.org\n"));
  EXPECT_FALSE(ServerName::is_valid(std::string("a.org\0", 6)));
  EXPECT_FALSE(ServerName::is_valid("xn--d1acufc.xn--p1ai:"));
  EXPECT_TRUE(ServerName::is_valid("xn--d1acufc.xn--p1ai"));  // IDNs travel as punycode
  auto dns = ServerName::parse("matrix.org:8448");
  ASSERT_TRUE(dns);
  EXPECT_EQ(dns->host_kind(), ServerName::HostKind::kDns);
  EXPECT_FALSE(dns->is_ip_literal());
}

TEST(ServerName, LengthLimit) {
  std::string longest(255, 'a');
  EXPECT_TRUE(ServerName::is_valid(longest));
  EXPECT_FALSE(ServerName::is_valid(longest + "a"));
  // The limit covers the port too.
  std::string host(250, 'a');
  EXPECT_TRUE(ServerName::is_valid(host + ":8448"));    // 255 bytes
  EXPECT_FALSE(ServerName::is_valid(host + ":18448"));  // 256 bytes
}

TEST(ServerName, CaseSensitiveEquality) {
  EXPECT_FALSE(*ServerName::parse("matrix.org") == *ServerName::parse("MATRIX.ORG"));
  EXPECT_TRUE(*ServerName::parse("matrix.org") == *ServerName::parse("matrix.org"));
}

}  // namespace
}  // namespace myelin::ids
