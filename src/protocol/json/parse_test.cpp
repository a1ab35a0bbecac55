#include "protocol/json/parse.hpp"

#include <gtest/gtest.h>

#include "protocol/json/canonical.hpp"

namespace myelin::json {
namespace {

TEST(ParseJson, AcceptsDocuments) {
  EXPECT_TRUE(parse("{}"));
  EXPECT_TRUE(parse(" [1, 2.5, \"x\", true, false, null] \n"));
  EXPECT_TRUE(parse("\"\\ud83d\\ude00\""));
  EXPECT_TRUE(parse("17"));
}

TEST(ParseJson, RejectsMalformedDocuments) {
  for (std::string_view bad :
       {"", "{", "{}}", "{} {}", "[1,]", "{\"a\":1,}", "/* c */ {}", "{'a':1}", "NaN", "[Infinity]",
        "[01]", "[1.]", "[.5]", "[+1]", "{\"a\" 1}", "tru", "[\"\t\"]", "[\"\\x\"]"}) {
    EXPECT_FALSE(parse(bad)) << bad;
  }
}

TEST(ParseJson, RejectsInvalidUtf8AndLoneSurrogates) {
  EXPECT_FALSE(parse("[\"\xff\"]"));
  EXPECT_FALSE(parse("[\"\xc3\"]"));              // truncated sequence
  EXPECT_FALSE(parse("[\"\xc0\xaf\"]"));          // overlong '/'
  EXPECT_FALSE(parse("[\"\xed\xa0\x80\"]"));      // UTF-8 encoded surrogate
  EXPECT_FALSE(parse("[\"\xf4\x90\x80\x80\"]"));  // beyond U+10FFFF
  EXPECT_FALSE(parse(R"(["\ud800"])"));
  EXPECT_FALSE(parse(R"(["\udc00"])"));
  EXPECT_FALSE(parse(R"(["\ud800\u0041"])"));
  EXPECT_FALSE(parse(R"({"\ud800": 1})"));
}

TEST(ParseJson, DuplicateKeysLastWinsLikePython) {
  auto value = parse(R"({"a": 1, "b": 2, "a": 3})");
  ASSERT_TRUE(value);
  EXPECT_EQ(encode_canonical(*value), R"({"a":3,"b":2})");
}

TEST(ParseJson, EnforcesLimits) {
  std::string deep(101, '[');
  deep += std::string(101, ']');
  EXPECT_FALSE(parse(deep));
  std::string ok(100, '[');
  ok += std::string(100, ']');
  EXPECT_TRUE(parse(ok));
  EXPECT_FALSE(parse("[1, 2, 3]", ParseLimits{.max_bytes = 8}));
  EXPECT_TRUE(parse("[1, 2]", ParseLimits{.max_bytes = 8}));
}

TEST(ParseJson, Numbers) {
  EXPECT_EQ(parse("9223372036854775807")->kind(), boost::json::kind::int64);
  EXPECT_EQ(parse("18446744073709551615")->kind(), boost::json::kind::uint64);
  EXPECT_EQ(parse("18446744073709551616")->kind(), boost::json::kind::double_);
  EXPECT_FALSE(parse("1e400"));
  EXPECT_FALSE(parse("-1e400"));
  EXPECT_EQ(parse("1e-400")->get_double(), 0.0);
  EXPECT_EQ(parse("0.0000e-400")->get_double(), 0.0);
  EXPECT_FALSE(parse("100000e305"));
  EXPECT_EQ(parse("0.00001e-320")->get_double(), 0.0);
  // Correct rounding: a value Boost's fast path would get one ulp wrong.
  EXPECT_EQ(parse("2.2250738585072011e-308")->get_double(), 2.2250738585072011e-308);
  EXPECT_EQ(parse("0.1")->get_double(), 0.1);
}

TEST(ParseJson, ParseObjectRequiresAnObject) {
  EXPECT_TRUE(parse_object("{\"a\":1}"));
  EXPECT_FALSE(parse_object("[1]"));
  EXPECT_FALSE(parse_object("\"x\""));
}

}  // namespace
}  // namespace myelin::json
