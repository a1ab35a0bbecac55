#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace myelin::services::push {

// A glob pattern (spec appendix "Glob-style matching": `*` matches zero or more characters, `?`
// exactly one) compiled for push rules. Matching is case-insensitive (ASCII letters fold; the
// spec leaves "case insensitive" to the implementation) and works on Unicode code points, so `?`
// matches one character however many UTF-8 bytes it takes.
class GlobMatcher {
 public:
  explicit GlobMatcher(std::string_view pattern);

  // A pattern with no wildcards: every character of `text` matches itself (display names).
  static GlobMatcher literal(std::string_view text);

  // The pattern matches the entire value (event_match on any key but content.body).
  bool matches_whole(std::string_view value) const;

  // The pattern matches some substring of the value that starts and ends at a word boundary
  // (event_match on content.body, content rules, contains_display_name). A boundary is the start
  // or end of the value or any character outside [A-Za-z0-9_]; a substring may begin or end on
  // such a character ("@room" in "hi @room!").
  bool matches_words(std::string_view value) const;

 private:
  // A code point (ASCII-lowercased), or one of the wildcards below.
  static constexpr char32_t kAnyOne = 0xFFFFFFFE;
  static constexpr char32_t kAnyRun = 0xFFFFFFFF;

  GlobMatcher() = default;
  // Sets ascii_literal_ when the pattern is ASCII without wildcards.
  void find_ascii_literal();
  bool run(std::string_view value, bool words) const;
  // run() for an ASCII literal: a byte search, no decoding and no state sets. The same answers:
  // an ASCII byte is always its own code point in UTF-8 (a malformed sequence ends before it),
  // and every other byte is outside [A-Za-z0-9_], as every non-ASCII code point is.
  bool run_ascii_literal(std::string_view value, bool words) const;

  std::vector<char32_t> tokens_;
  std::string ascii_literal_;  // lower case; empty: match with run()
};

}  // namespace myelin::services::push
