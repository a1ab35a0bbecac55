#include "http/router/path_template.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

std::string render(const PathTemplate::Pattern& pattern) {
  std::string out;
  for (const auto& segment : pattern) {
    out += '/';
    out += segment.kind == PathTemplate::Segment::Kind::kParam ? "{" + segment.text + "}"
                                                               : segment.text;
  }
  return out;
}

TEST(PathTemplate, ExpandsAlternatives) {
  auto parsed = PathTemplate::parse("/_matrix/(client|media)/(r0|v3)/x/{id}");
  ASSERT_TRUE(parsed);
  auto patterns = parsed->expand();
  ASSERT_EQ(patterns.size(), 4u);
  std::vector<std::string> rendered;
  for (const auto& p : patterns) rendered.push_back(render(p));
  EXPECT_EQ(rendered, (std::vector<std::string>{
                          "/_matrix/client/r0/x/{id}",
                          "/_matrix/media/r0/x/{id}",
                          "/_matrix/client/v3/x/{id}",
                          "/_matrix/media/v3/x/{id}",
                      }));
}

TEST(PathTemplate, RejectsMalformedTemplates) {
  EXPECT_FALSE(PathTemplate::parse(""));
  EXPECT_FALSE(PathTemplate::parse("no/leading/slash"));
  EXPECT_FALSE(PathTemplate::parse("/a/{}"));
  EXPECT_FALSE(PathTemplate::parse("/a/{x}y"));
  EXPECT_FALSE(PathTemplate::parse("/a/(r0|)"));
  EXPECT_FALSE(PathTemplate::parse("/a/(r0|{x})"));
  EXPECT_TRUE(PathTemplate::parse("/"));
}

TEST(PathTemplate, SplitsPathsKeepingEmptySegments) {
  EXPECT_EQ(split_path("/a/b/"), (std::vector<std::string_view>{"a", "b", ""}));
  EXPECT_EQ(split_path("/"), (std::vector<std::string_view>{""}));
  EXPECT_TRUE(split_path("a/b").empty());
}

}  // namespace
}  // namespace myelin::http
