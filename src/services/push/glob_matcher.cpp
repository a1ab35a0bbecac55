#include "services/push/glob_matcher.hpp"

#include <algorithm>
#include <cstddef>

namespace myelin::services::push {
namespace {

char32_t fold(char32_t c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

bool is_word_char(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// UTF-8 to code points. A malformed byte becomes a lone surrogate (0xDC00 + byte), which no valid
// pattern character equals but which still counts as one character.
std::vector<char32_t> decode(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    char32_t code = length == 1   ? byte
                    : length == 2 ? (byte & 0x1F)
                    : length == 3 ? (byte & 0x0F)
                                  : (byte & 0x07);
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) valid = false;
      code = (code << 6) | (next & 0x3F);
    }
    if (!valid) {
      out.push_back(0xDC00 + byte);
      ++i;
      continue;
    }
    out.push_back(code);
    i += length;
  }
  return out;
}

}  // namespace

GlobMatcher::GlobMatcher(std::string_view pattern) {
  for (char32_t c : decode(pattern)) {
    if (c == '*') {
      // Runs of '*' are one '*'; collapsing keeps the state set small.
      if (tokens_.empty() || tokens_.back() != kAnyRun) tokens_.push_back(kAnyRun);
    } else if (c == '?') {
      tokens_.push_back(kAnyOne);
    } else {
      tokens_.push_back(fold(c));
    }
  }
  find_ascii_literal();
}

GlobMatcher GlobMatcher::literal(std::string_view text) {
  GlobMatcher matcher;
  for (char32_t c : decode(text)) matcher.tokens_.push_back(fold(c));
  matcher.find_ascii_literal();
  return matcher;
}

void GlobMatcher::find_ascii_literal() {
  // Common: display names, user names, "@room", event types. An empty pattern keeps run()'s
  // own answer.
  for (char32_t token : tokens_) {
    if (token >= 0x80) return;  // non-ASCII, or a wildcard
  }
  ascii_literal_.assign(tokens_.begin(), tokens_.end());
}

bool GlobMatcher::matches_whole(std::string_view value) const { return run(value, false); }

bool GlobMatcher::matches_words(std::string_view value) const { return run(value, true); }

bool GlobMatcher::run_ascii_literal(std::string_view value, bool words) const {
  const std::string_view pattern = ascii_literal_;
  const std::size_t n = value.size();
  const std::size_t m = pattern.size();
  auto equal_at = [&](std::size_t start) {
    for (std::size_t k = 0; k < m; ++k) {
      if (fold(static_cast<unsigned char>(value[start + k])) != char32_t(pattern[k])) return false;
    }
    return true;
  };
  if (!words) return n == m && equal_at(0);
  auto word = [&](std::size_t p) { return is_word_char(static_cast<unsigned char>(value[p])); };
  auto boundary = [&](std::size_t p) { return p == 0 || p == n || !word(p - 1) || !word(p); };
  for (std::size_t start = 0; start + m <= n; ++start) {
    if (boundary(start) && boundary(start + m) && equal_at(start)) return true;
  }
  return false;
}

// A Thompson-style simulation: `active[k]` says the first k tokens can match text ending at the
// current position. One pass over the value, O(value × pattern), with no backtracking to blow up
// on hostile patterns such as "*a*a*a*a*b".
bool GlobMatcher::run(std::string_view value_utf8, bool words) const {
  if (!ascii_literal_.empty()) return run_ascii_literal(value_utf8, words);
  const std::vector<char32_t> value = decode(value_utf8);
  const std::size_t n = value.size();
  const std::size_t m = tokens_.size();
  auto boundary = [&](std::size_t p) {
    if (!words) return p == 0 || p == n;
    return p == 0 || p == n || !is_word_char(value[p - 1]) || !is_word_char(value[p]);
  };
  auto close = [&](std::vector<char>& states) {  // '*' may match nothing
    for (std::size_t k = 0; k < m; ++k) {
      if (states[k] && tokens_[k] == kAnyRun) states[k + 1] = 1;
    }
  };

  std::vector<char> active(m + 1, 0);
  std::vector<char> next(m + 1, 0);
  for (std::size_t p = 0;; ++p) {
    // A match may start here: anywhere at a boundary for words, only at 0 for whole values.
    if (words ? boundary(p) : p == 0) active[0] = 1;
    close(active);
    if (active[m] && (words ? boundary(p) : p == n)) return true;
    if (p == n) return false;
    const char32_t c = fold(value[p]);
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (std::size_t k = 0; k < m; ++k) {
      if (!active[k]) continue;
      const char32_t token = tokens_[k];
      if (token == kAnyRun) {
        next[k] = 1;
        any = true;
      } else if (token == kAnyOne || token == c) {
        next[k + 1] = 1;
        any = true;
      }
    }
    active.swap(next);
    if (!any && !words) return false;
  }
}

}  // namespace myelin::services::push
