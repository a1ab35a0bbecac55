#include "services/push/property_path.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace myelin::services::push {
namespace {

using Parts = std::vector<std::string>;

// Spec appendix "Dot-separated property paths".
TEST(PropertyPath, Splits) {
  EXPECT_EQ(split_property_path("content.body"), (Parts{"content", "body"}));
  EXPECT_EQ(split_property_path("content.m\\.relates_to"), (Parts{"content", "m.relates_to"}));
  EXPECT_EQ(split_property_path("content.m\\\\foo"), (Parts{"content", "m\\foo"}));
  EXPECT_EQ(split_property_path("content.m\\x"), (Parts{"content", "m\\x"}));
  EXPECT_EQ(split_property_path("type"), (Parts{"type"}));
  EXPECT_EQ(split_property_path("a..b"), (Parts{"a", "", "b"}));
  EXPECT_EQ(split_property_path("trailing\\"), (Parts{"trailing\\"}));
}

TEST(PropertyPath, FindsNestedValues) {
  auto event = boost::json::parse(R"({
    "type": "m.room.message",
    "content": {"body": "hi", "m.mentions": {"user_ids": ["@a:x"], "room": true},
                "m\\foo": 1, "m": {"mentions": {"room": false}}}
  })")
                   .as_object();
  ASSERT_NE(find_property(event, "content.m\\.mentions.room"), nullptr);
  EXPECT_EQ(*find_property(event, "content.m\\.mentions.room"), true);
  // Without the escape the path walks content → m → mentions.
  EXPECT_EQ(*find_property(event, "content.m.mentions.room"), false);
  EXPECT_EQ(*find_property(event, "content.m\\\\foo"), 1);
  EXPECT_EQ(*find_property(event, "type"), "m.room.message");
  EXPECT_EQ(find_property(event, "content.body.length"), nullptr);
  EXPECT_EQ(find_property(event, "content.missing"), nullptr);
  EXPECT_EQ(find_property(event, "state_key"), nullptr);
}

}  // namespace
}  // namespace myelin::services::push
