#include "http/client/url.hpp"

#include <gtest/gtest.h>

#include "http/client/http_client.hpp"

namespace myelin::http {
namespace {

TEST(ParseUrl, SplitsHttpsUrls) {
  auto url = parse_url("HTTPS://Example.ORG/a/b?c=d#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "example.org");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/a/b?c=d");
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->authority(), "example.org");
}

TEST(ParseUrl, PortsAndDefaults) {
  auto url = parse_url("http://127.0.0.1:8448");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 8448);
  EXPECT_EQ(url->target, "/");
  EXPECT_FALSE(url->tls());
  EXPECT_EQ(url->authority(), "127.0.0.1:8448");
  EXPECT_EQ(parse_url("http://h")->port, 80);
  EXPECT_EQ(parse_url("http://h?x=1")->target, "/?x=1");
}

TEST(ParseUrl, Ipv6Literals) {
  auto url = parse_url("https://[::1]:9000/p");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  EXPECT_EQ(url->authority(), "[::1]:9000");
  EXPECT_FALSE(parse_url("https://[::1/p"));
  EXPECT_FALSE(parse_url("https://[zz]/p"));
}

TEST(ParseUrl, RefusesWhatIsNotAPlainHttpUrl) {
  EXPECT_FALSE(parse_url("ftp://example.org/"));
  EXPECT_FALSE(parse_url("javascript:alert(1)"));
  EXPECT_FALSE(parse_url("example.org/path"));
  EXPECT_FALSE(parse_url("https://"));
  EXPECT_FALSE(parse_url("https://user@evil.example/"));
  EXPECT_FALSE(parse_url("https://host:0/"));
  EXPECT_FALSE(parse_url("https://host:65536/"));
  EXPECT_FALSE(parse_url("https://host:/"));
  EXPECT_FALSE(parse_url("https://host:12ab/"));
  EXPECT_FALSE(parse_url("https://ho st/"));
  EXPECT_FALSE(parse_url("https://host/a\r\nX: y"));
}

TEST(UrlEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(url_encode("aZ0-._~"), "aZ0-._~");
  EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(form_encode({{"grant_type", "authorization_code"}, {"redirect_uri", "https://x/y"}}),
            "grant_type=authorization_code&redirect_uri=https%3A%2F%2Fx%2Fy");
}

TEST(ClientResponse, HeaderLookupIgnoresCase) {
  ClientResponse response;
  response.headers = {{"Content-Type", "application/json"}, {"location", "/x"}};
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("Location"), "/x");
  EXPECT_FALSE(response.header("Set-Cookie"));
}

}  // namespace
}  // namespace myelin::http
