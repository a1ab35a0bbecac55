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
}

TEST(ServerName, Ipv4Literals) {
  EXPECT_TRUE(ServerName::is_valid("255.255.255.255"));
  EXPECT_TRUE(ServerName::is_valid("127.0.0.1:8008"));
  EXPECT_FALSE(ServerName::is_valid("256.1.1.1"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3"));
  EXPECT_FALSE(ServerName::is_valid("1.2.3.4.5"));
  EXPECT_FALSE(ServerName::is_valid("1..3.4"));
  EXPECT_FALSE(ServerName::is_valid("1234.1.1.1"));
}

TEST(ServerName, Ipv6Literals) {
  for (auto good :
       {"[::1]", "[::]", "[::1]:8448", "[2001:db8::8:800:200c:417a]",
        "[2001:DB8:0:0:8:800:200C:417A]", "[::ffff:192.0.2.1]", "[1:2:3:4:5:6:7:8]", "[1::]"}) {
    EXPECT_TRUE(ServerName::is_valid(good)) << good;
  }
  for (auto bad : {"[]", "[:]", "[::1", "::1", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[12345::]",
                   "[g::1]", "[::1]x", "[::1]:", "[::1]:0", "[:1]", "[1:]", "[::1.2.3]"}) {
    EXPECT_FALSE(ServerName::is_valid(bad)) << bad;
  }
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
}

TEST(ServerName, LengthLimit) {
  std::string longest(255, 'a');
  EXPECT_TRUE(ServerName::is_valid(longest));
  EXPECT_FALSE(ServerName::is_valid(longest + "a"));
}

TEST(ServerName, CaseSensitiveEquality) {
  EXPECT_FALSE(*ServerName::parse("matrix.org") == *ServerName::parse("MATRIX.ORG"));
  EXPECT_TRUE(*ServerName::parse("matrix.org") == *ServerName::parse("matrix.org"));
}

}  // namespace
}  // namespace myelin::ids
