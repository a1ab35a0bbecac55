#include "services/push/glob_matcher.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::services::push {
namespace {

// Spec "Conditions", event_match note: key content.topic, pattern "lunc?*".
TEST(GlobMatcher, SpecTopicExample) {
  GlobMatcher glob("lunc?*");
  EXPECT_TRUE(glob.matches_whole("Lunch plans"));
  EXPECT_TRUE(glob.matches_whole("LUNCH"));
  EXPECT_FALSE(glob.matches_whole(" lunch"));
  EXPECT_FALSE(glob.matches_whole("lunc"));
}

// Spec "Conditions", content.body note: pattern "ex*ple".
TEST(GlobMatcher, SpecBodyExample) {
  GlobMatcher glob("ex*ple");
  EXPECT_TRUE(glob.matches_words("An example event."));
  EXPECT_TRUE(glob.matches_words("exple"));
  EXPECT_TRUE(glob.matches_words("An exciting triple-whammy"));
  EXPECT_FALSE(glob.matches_words("An examples event"));
  EXPECT_FALSE(glob.matches_words("Anexample"));
}

TEST(GlobMatcher, WholeValueNeedsFullMatch) {
  EXPECT_TRUE(GlobMatcher("m.room.message").matches_whole("m.room.message"));
  EXPECT_FALSE(GlobMatcher("m.room.message").matches_whole("m.room.message.extra"));
  EXPECT_FALSE(GlobMatcher("m.room.message").matches_whole("xm.room.message"));
  EXPECT_TRUE(GlobMatcher("m.room.*").matches_whole("m.room.member"));
  EXPECT_TRUE(GlobMatcher("*").matches_whole(""));
  EXPECT_TRUE(GlobMatcher("").matches_whole(""));
  EXPECT_FALSE(GlobMatcher("").matches_whole("x"));
  EXPECT_TRUE(GlobMatcher("a?c").matches_whole("abc"));
  EXPECT_FALSE(GlobMatcher("a?c").matches_whole("ac"));
  EXPECT_TRUE(GlobMatcher("a**c").matches_whole("ac"));
}

TEST(GlobMatcher, WordBoundaries) {
  GlobMatcher alice("alice");
  EXPECT_TRUE(alice.matches_words("alice"));
  EXPECT_TRUE(alice.matches_words("hi alice!"));
  EXPECT_TRUE(alice.matches_words("Hey ALICE, lunch?"));
  EXPECT_TRUE(alice.matches_words("(alice)"));
  EXPECT_TRUE(alice.matches_words("bob-alice"));
  EXPECT_FALSE(alice.matches_words("malice"));
  EXPECT_FALSE(alice.matches_words("alice_b"));  // '_' is a word character
  EXPECT_FALSE(alice.matches_words("alice2"));
  EXPECT_FALSE(alice.matches_words("alic"));
  // Non-ASCII letters are outside [A-Za-z0-9_], so they are boundaries (spec wording).
  EXPECT_TRUE(alice.matches_words("éalice"));
  // A pattern starting with a non-word character may begin right after a word.
  EXPECT_TRUE(GlobMatcher("@room").matches_words("hello @room!"));
  EXPECT_TRUE(GlobMatcher("@room").matches_words("@room"));
  EXPECT_FALSE(GlobMatcher("@room").matches_words("@roomy"));
}

TEST(GlobMatcher, CaseInsensitiveAsciiAndCodePoints) {
  EXPECT_TRUE(GlobMatcher("CaKe").matches_words("I like cake"));
  // '?' is one character, not one byte.
  EXPECT_TRUE(GlobMatcher("caf?").matches_whole("café"));
  EXPECT_FALSE(GlobMatcher("caf??").matches_whole("café"));
  EXPECT_TRUE(GlobMatcher("ünïcode").matches_whole("ünïcode"));
}

TEST(GlobMatcher, LiteralIgnoresWildcards) {
  GlobMatcher name = GlobMatcher::literal("Al*ce");
  EXPECT_TRUE(name.matches_words("hi al*ce"));
  EXPECT_FALSE(name.matches_words("hi alice"));
  EXPECT_TRUE(GlobMatcher::literal("Dr. Who?").matches_words("ping dr. who? now"));
}

TEST(GlobMatcher, HostilePatternStaysLinear) {
  std::string text(20000, 'a');
  EXPECT_FALSE(GlobMatcher("*a*a*a*a*a*a*a*a*a*b").matches_whole(text));
  EXPECT_FALSE(GlobMatcher("a*a*a*a*a*a*a*a*b").matches_words(text));
  text += 'b';
  EXPECT_TRUE(GlobMatcher("*a*a*a*a*a*a*a*a*a*b").matches_whole(text));
}

// ASCII patterns without wildcards take a byte search; it must answer as the code point
// matcher does around multi-byte and malformed UTF-8.
TEST(GlobMatcher, AsciiLiteralsAroundNonAsciiBytes) {
  GlobMatcher alice("alice");
  EXPECT_TRUE(
      alice.matches_words("\xC3"
                          "alice"));                  // a lead byte cut short
  EXPECT_TRUE(alice.matches_words("alice\xC3\xA9"));  // é after: not a word character
  EXPECT_TRUE(
      alice.matches_words("\xF0\x9F\x98\x80"
                          "alice"));  // an emoji before
  EXPECT_TRUE(
      alice.matches_words("x \xFF"
                          "ALICE\x80"));
  EXPECT_FALSE(
      alice.matches_words("\xC3"
                          "alice_"));
  EXPECT_FALSE(alice.matches_words("ali"));
  EXPECT_FALSE(alice.matches_words(""));
  EXPECT_TRUE(GlobMatcher::literal("Alice Liddell").matches_words("hi alice liddell."));
  EXPECT_FALSE(GlobMatcher::literal("Alice Liddell").matches_words("hi alice liddells"));
  EXPECT_TRUE(GlobMatcher("m.notice").matches_whole("M.Notice"));
  EXPECT_FALSE(GlobMatcher("m.notice").matches_whole("m.notice\xC3"));
  EXPECT_FALSE(GlobMatcher("m.notice").matches_whole("m.notic"));
  // Non-ASCII patterns still match by code point.
  EXPECT_TRUE(GlobMatcher::literal("Zoë").matches_words("hi zoë!"));
  EXPECT_FALSE(GlobMatcher::literal("Zoë").matches_words("hi xzoë"));
}

}  // namespace
}  // namespace myelin::services::push
