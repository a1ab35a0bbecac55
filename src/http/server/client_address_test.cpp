#include "http/server/client_address.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

TEST(ClientAddress, ThePeersHostWithoutItsPort) {
  Headers none;
  EXPECT_EQ(client_address("127.0.0.1:53211", none, false), "127.0.0.1");
  EXPECT_EQ(client_address("[::1]:53211", none, false), "::1");
  EXPECT_EQ(client_address("unknown", none, false), "unknown");
}

TEST(ClientAddress, XForwardedForOnlyWhenTheListenerTrustsIt) {
  Headers headers;
  headers.add("X-Forwarded-For", " 203.0.113.7 , 10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1:4000", headers, true), "203.0.113.7");
  EXPECT_EQ(client_address("10.0.0.1:4000", headers, false), "10.0.0.1");
  Headers empty;
  empty.add("X-Forwarded-For", "");
  EXPECT_EQ(client_address("10.0.0.1:4000", empty, true), "10.0.0.1");
}

}  // namespace
}  // namespace myelin::http
