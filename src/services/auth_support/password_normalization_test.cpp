#include "services/auth_support/password_normalization.hpp"

#include <gtest/gtest.h>

namespace myelin::services {
namespace {

TEST(PasswordNormalization, AsciiIsUnchanged) {
  EXPECT_EQ(normalize_password("correct horse battery staple"), "correct horse battery staple");
  EXPECT_EQ(normalize_password(""), "");
  EXPECT_EQ(normalize_password(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(PasswordNormalization, ComposesAndFoldsCompatibilityCharacters) {
  // "e" + COMBINING ACUTE ACCENT → "é" (U+00E9)
  EXPECT_EQ(normalize_password("caf\x65\xcc\x81"), "caf\xc3\xa9");
  EXPECT_EQ(normalize_password("caf\xc3\xa9"), "caf\xc3\xa9");
  // LATIN SMALL LIGATURE FI (U+FB01) → "fi"; FULLWIDTH LATIN CAPITAL A (U+FF21) → "A"
  EXPECT_EQ(normalize_password("\xef\xac\x81ne"), "fine");
  EXPECT_EQ(normalize_password("\xef\xbc\xa1"), "A");
  // SUPERSCRIPT TWO (U+00B2) → "2"; ANGSTROM SIGN (U+212B) → "Å" (U+00C5)
  EXPECT_EQ(normalize_password("x\xc2\xb2"), "x2");
  EXPECT_EQ(normalize_password("\xe2\x84\xab"), "\xc3\x85");
}

TEST(PasswordNormalization, IllFormedUtf8IsLeftAlone) {
  // A lone continuation byte and a truncated sequence are not replaced by U+FFFD.
  EXPECT_EQ(normalize_password("pass\x80word"), "pass\x80word");
  EXPECT_EQ(normalize_password("\xef\xac"), "\xef\xac");
  EXPECT_NE(normalize_password("\xff"), normalize_password("\xfe"));
}

}  // namespace
}  // namespace myelin::services
