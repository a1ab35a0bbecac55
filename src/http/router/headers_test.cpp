#include "http/router/headers.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

TEST(Headers, NamesAreCaseInsensitive) {
  Headers headers;
  headers.add("Content-Type", "application/json");
  headers.add("X-Custom", "1");
  headers.add("x-custom", "2");
  EXPECT_EQ(*headers.get("content-type"), "application/json");
  EXPECT_EQ(*headers.get("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(headers.get_all("X-CUSTOM").size(), 2u);
  headers.set("x-Custom", "3");
  ASSERT_EQ(headers.get_all("x-custom").size(), 1u);
  EXPECT_EQ(*headers.get("X-Custom"), "3");
  headers.remove("CONTENT-type");
  EXPECT_FALSE(headers.contains("Content-Type"));
}

}  // namespace
}  // namespace myelin::http
