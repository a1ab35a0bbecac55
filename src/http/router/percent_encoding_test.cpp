#include "http/router/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

TEST(PercentDecode, DecodesMatrixIdentifiers) {
  EXPECT_EQ(*percent_decode("%21abc%3Aexample.org"), "!abc:example.org");
  EXPECT_EQ(*percent_decode("%40alice%3aexample.org"), "@alice:example.org");  // lower-case hex
  EXPECT_EQ(*percent_decode("%24ev%2Fwith%2Fslashes"), "$ev/with/slashes");
  EXPECT_EQ(*percent_decode("plain"), "plain");
  EXPECT_EQ(*percent_decode(""), "");
}

TEST(PercentDecode, PlusIsLiteralInPathsAndSpaceInQueries) {
  EXPECT_EQ(*percent_decode("a+b"), "a+b");
  EXPECT_EQ(*percent_decode("a+b", PlusMeans::kSpace), "a b");
  EXPECT_EQ(*percent_decode("a%2Bb", PlusMeans::kSpace), "a+b");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("abc%4"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("%g0"));
}

TEST(PercentDecode, RequiresUtf8) {
  EXPECT_EQ(*percent_decode("caf%C3%A9"), "caf\xC3\xA9");
  EXPECT_EQ(*percent_decode("%F0%9F%98%80"), "\xF0\x9F\x98\x80");
  EXPECT_FALSE(percent_decode("%FF"));
  EXPECT_FALSE(percent_decode("%C0%AF"));        // overlong '/'
  EXPECT_FALSE(percent_decode("%ED%A0%80"));     // UTF-16 surrogate
  EXPECT_FALSE(percent_decode("%F4%90%80%80"));  // past U+10FFFF
  EXPECT_FALSE(percent_decode("%E2%82"));        // truncated sequence
}

}  // namespace
}  // namespace myelin::http
