#include "base/base64.hpp"

#include <gtest/gtest.h>

namespace myelin::base64 {
namespace {

// Spec appendix "Unpadded Base64" examples.
TEST(Base64, SpecExamples) {
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg");
  EXPECT_EQ(encode("fo"), "Zm8");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg");
  EXPECT_EQ(encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UrlSafeAlphabet) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(encode(bytes), "+/+/");
  EXPECT_EQ(encode_url(bytes), "-_-_");
  EXPECT_EQ(decode_url("-_-_"), bytes);
  EXPECT_EQ(decode("-_-_"), std::nullopt);
  EXPECT_EQ(decode_url("+/+/"), std::nullopt);
}

TEST(Base64, DecodeAnyAcceptsBothAlphabets) {
  const std::string bytes("\xfb\xff\xbf\xfb\xff\xbf", 6);
  EXPECT_EQ(decode_any("+/+/+/+/"), bytes);
  EXPECT_EQ(decode_any("-_-_-_-_"), bytes);
  EXPECT_EQ(decode_any("+_-/+_-/"), bytes);
  EXPECT_EQ(decode_any("Zm9vYg=="), "foob");
  EXPECT_EQ(decode_any("Zm9v!"), std::nullopt);
}

TEST(Base64, DecodesPaddedAndUnpadded) {
  EXPECT_EQ(decode("Zm9vYg"), "foob");
  EXPECT_EQ(decode("Zm9vYg=="), "foob");
  EXPECT_EQ(decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(decode("Zm9vYmE"), "fooba");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_EQ(decode("Z"), std::nullopt);        // 4n+1 characters carry no whole byte
  EXPECT_EQ(decode("Zm9v!"), std::nullopt);    // outside the alphabet
  EXPECT_EQ(decode("Zm=9v"), std::nullopt);    // padding inside
  EXPECT_EQ(decode("Zm9vYg="), std::nullopt);  // wrong amount of padding
  EXPECT_EQ(decode("Zm9v Yg"), std::nullopt);
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 37 + 11));
    ASSERT_EQ(decode(encode(bytes)), bytes);
    ASSERT_EQ(decode_url(encode_url(bytes)), bytes);
  }
}

}  // namespace
}  // namespace myelin::base64
