#include "protocol/ids/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::ids {
namespace {

TEST(Utf8, WellFormed) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii ~"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));           // U+00E9
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));          // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));          // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is a code point
}

TEST(Utf8, IllFormed) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation
  EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong three-byte form
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // overlong four-byte form
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));  // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98"));
}

TEST(Utf8, ControlCharacters) {
  EXPECT_FALSE(has_control_character("ABC def ~\xc3\xa9\xc2\xa0"));  // U+00A0 is not a control
  EXPECT_TRUE(has_control_character("a\tb"));
  EXPECT_TRUE(has_control_character(std::string("a\0b", 3)));
  EXPECT_TRUE(has_control_character("\x1f"));
  EXPECT_TRUE(has_control_character("\x7f"));
  EXPECT_TRUE(has_control_character("\xc2\x80"));  // U+0080
  EXPECT_TRUE(has_control_character("\xc2\x9f"));  // U+009F
}

}  // namespace
}  // namespace myelin::ids
