#include "protocol/json/canonical.hpp"

#include <gtest/gtest.h>

#include "protocol/json/parse.hpp"

namespace myelin::json {
namespace {

std::string canonical(std::string_view text) {
  auto value = parse(text);
  EXPECT_TRUE(value) << (value ? "" : value.error());
  return value ? encode_canonical(*value) : "";
}

// The examples of the spec appendix "Canonical JSON", input and expected output verbatim.
TEST(CanonicalJson, SpecExamples) {
  EXPECT_EQ(canonical("{}"), "{}");
  EXPECT_EQ(canonical(R"({"one": 1, "two": "Two"})"), R"({"one":1,"two":"Two"})");
  EXPECT_EQ(canonical(R"({"b": "2", "a": "1"})"), R"({"a":"1","b":"2"})");
  EXPECT_EQ(canonical(R"({"b":"2","a":"1"})"), R"({"a":"1","b":"2"})");
  EXPECT_EQ(
      canonical(R"({
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                {"medium": "email", "address": "john.doe@example.org"},
                {"medium": "msisdn", "address": "123456789"}
            ]
        }
    }
})"),
      R"({"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}})");
  EXPECT_EQ(canonical(R"({"a": "日本語"})"), "{\"a\":\"日本語\"}");
  EXPECT_EQ(canonical(R"({"本": 2, "日": 1})"), "{\"日\":1,\"本\":2}");
  EXPECT_EQ(canonical(R"({"a": "\u65E5"})"), "{\"a\":\"日\"}");
  EXPECT_EQ(canonical(R"({"a": null})"), R"({"a":null})");
  EXPECT_EQ(canonical(R"({"a": -0, "b": 1e10})"), R"({"a":0,"b":10000000000.0})");
  EXPECT_EQ(canonical(R"({"a": "\u0000\u001f\u0008\u007f\\\"\/"})"),
            "{\"a\":\"\\u0000\\u001f\\b\x7f\\\\\\\"/\"}");
}

TEST(CanonicalJson, EscapesExactlyTheGrammarsCharacters) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  boost::json::value v = boost::json::string(all);
  std::string encoded = encode_canonical(v);
  EXPECT_EQ(encoded.substr(0, 8), "\"\\u0001\\");
  EXPECT_NE(encoded.find("\\t\\n\\u000b\\f\\r\\u000e"), std::string::npos);
  EXPECT_NE(encoded.find(" !\\\"#"), std::string::npos);
  EXPECT_NE(encoded.find("[\\\\]"), std::string::npos);
  EXPECT_NE(encoded.find("~\x7f\""), std::string::npos);
}

TEST(CanonicalJson, SortsKeysByCodePointNotByUtf16) {
  // U+FB01 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes, a surrogate pair in UTF-16).
  EXPECT_EQ(canonical(R"({"\ud83d\ude00": 1, "\ufb01": 2, "z": 3})"),
            "{\"z\":3,\"\xef\xac\x81\":2,\"\xf0\x9f\x98\x80\":1}");
}

TEST(CanonicalJson, FloatsAsPythonRepr) {
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(-0.0), "-0.0");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(1.5e300), "1.5e+300");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(123456789.125), "123456789.125");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(5e-324), "5e-324");
  EXPECT_EQ(python_float_repr(1.7976931348623157e308), "1.7976931348623157e+308");
}

TEST(CanonicalJson, NumberRange) {
  EXPECT_TRUE(check_canonical_numbers(*parse(R"({"a":[9007199254740991,-9007199254740991]})")));
  auto too_big = check_canonical_numbers(*parse(R"({"a":{"b":[1,9007199254740992]}})"));
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error(), "integer out of range at .a.b[1]");
  EXPECT_FALSE(check_canonical_numbers(*parse(R"([-9007199254740992])")));
  EXPECT_FALSE(check_canonical_numbers(*parse(R"([18446744073709551615])")));
  EXPECT_FALSE(check_canonical_numbers(*parse(R"({"a":1.5})")));
  EXPECT_FALSE(check_canonical_numbers(*parse(R"({"a":1.0})")));
}

}  // namespace
}  // namespace myelin::json
