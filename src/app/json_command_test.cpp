#include "app/json_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace myelin::app {
namespace {

TEST(JsonCanonicalCommand, PrintsCanonicalForm) {
  std::istringstream in(R"({ "b": [1, "\u00e9"], "a": {"y": null, "x": true} })");
  std::ostringstream out, err;
  EXPECT_EQ(json_canonical(in, out, err), 0);
  EXPECT_EQ(out.str(), "{\"a\":{\"x\":true,\"y\":null},\"b\":[1,\"\xc3\xa9\"]}\n");
  EXPECT_EQ(err.str(), "");
}

TEST(JsonCanonicalCommand, RejectsInvalidJsonWithReason) {
  std::istringstream in(R"({"a": )");
  std::ostringstream out, err;
  EXPECT_EQ(json_canonical(in, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("invalid JSON"), std::string::npos);
}

}  // namespace
}  // namespace myelin::app
