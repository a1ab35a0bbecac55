#include "services/media/mxc_uri.hpp"

#include <gtest/gtest.h>

namespace myelin::services {
namespace {

TEST(MxcUri, ParsesServerAndMediaId) {
  auto mxc = MxcUri::parse("mxc://example.org:8448/abcDEF123");
  ASSERT_TRUE(mxc);
  EXPECT_EQ(mxc->server_name, "example.org:8448");
  EXPECT_EQ(mxc->media_id, "abcDEF123");
  EXPECT_EQ(mxc->to_string(), "mxc://example.org:8448/abcDEF123");
}

TEST(MxcUri, RefusesMalformedUris) {
  for (const char* bad : {"", "mxc://", "mxc://host", "mxc://host/", "mxc:///id", "https://host/id",
                          "mxc://host/a/b", "MXC://host/id"}) {
    EXPECT_FALSE(MxcUri::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace myelin::services
