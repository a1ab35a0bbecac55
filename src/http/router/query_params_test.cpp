#include "http/router/query_params.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

TEST(QueryParams, KeepsRepeatedNamesInOrder) {
  auto params = QueryParams::parse("server_name=a.org&via=b.org&server_name=c.org");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->size(), 3u);
  EXPECT_EQ(*params->get("server_name"), "a.org");
  auto all = params->get_all("server_name");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], "a.org");
  EXPECT_EQ(all[1], "c.org");
  EXPECT_FALSE(params->get("missing"));
}

TEST(QueryParams, DecodesNamesAndValues) {
  auto params = QueryParams::parse("filter=%7B%22limit%22%3A1%7D&q=hello+world&flag&empty=&&x=1");
  ASSERT_TRUE(params);
  EXPECT_EQ(*params->get("filter"), R"({"limit":1})");
  EXPECT_EQ(*params->get("q"), "hello world");
  EXPECT_EQ(*params->get("flag"), "");
  EXPECT_EQ(*params->get("empty"), "");
  EXPECT_EQ(*params->get("x"), "1");
  EXPECT_EQ(params->size(), 5u);
}

TEST(QueryParams, RejectsBadEncoding) {
  EXPECT_FALSE(QueryParams::parse("since=%zz"));
  EXPECT_FALSE(QueryParams::parse("a%=1"));
  EXPECT_FALSE(QueryParams::parse("a=%C3"));
  EXPECT_TRUE(QueryParams::parse(""));
}

}  // namespace
}  // namespace myelin::http
