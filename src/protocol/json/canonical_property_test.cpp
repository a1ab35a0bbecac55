// Property tests: on thousands of random documents, canonical encoding is a fixed point of
// parse∘encode, independent of member order, and well-formed per the spec's grammar.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::json {
namespace {

class RandomJson {
 public:
  explicit RandomJson(std::uint32_t seed) : rng_(seed) {}

  boost::json::value value(int depth) {
    // Documents are objects, as every Matrix body and event is.
    int kind = depth == 0 ? 6 : pick(depth > 4 ? 5 : 7);
    switch (kind) {
      case 0:
        return nullptr;
      case 1:
        return pick(2) == 0;
      case 2:
        return integer();
      case 3:
      case 4:
        return boost::json::string(text());
      case 5: {
        boost::json::array array;
        for (int i = pick(5); i > 0; --i) array.push_back(value(depth + 1));
        return array;
      }
      default: {
        boost::json::object object;
        for (int i = pick(6); i > 0; --i) object[text()] = value(depth + 1);
        return object;
      }
    }
  }

  // Same members, inserted in another order.
  boost::json::value shuffled(const boost::json::value& v) {
    if (v.is_array()) {
      boost::json::array out;
      for (const auto& e : v.get_array()) out.push_back(shuffled(e));
      return out;
    }
    if (!v.is_object()) return v;
    std::vector<const boost::json::key_value_pair*> members;
    for (const auto& m : v.get_object()) members.push_back(&m);
    std::shuffle(members.begin(), members.end(), rng_);
    boost::json::object out;
    for (const auto* m : members) out[m->key()] = shuffled(m->value());
    return out;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::int64_t integer() {
    constexpr std::int64_t kMax = (std::int64_t{1} << 53) - 1;
    switch (pick(3)) {
      case 0:
        return pick(21) - 10;
      case 1:
        return std::uniform_int_distribution<std::int64_t>(-kMax, kMax)(rng_);
      default:
        return pick(2) ? kMax : -kMax;
    }
  }

  // Code points from every UTF-8 length class, controls and the characters that need escapes.
  std::string text() {
    static const char32_t kSamples[] = {
        U'a',      U'Z',      U'0',      U' ',          U'"',          U'\\',        U'/',
        U'\n',     U'\t',     U'\x01',   U'\x1f',       U'\x7f',       U'\u00e9',    U'\u07ff',
        U'\u0800', U'\u65e5', U'\ufffd', U'\U00010000', U'\U0001f600', U'\U0010ffff'};
    std::string out;
    for (int i = pick(8); i > 0; --i) append_utf8(out, kSamples[pick(std::size(kSamples))]);
    return out;
  }

  static void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xe0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }

  std::mt19937 rng_;
};

// Outside strings, canonical JSON has no whitespace; inside, no raw control characters.
void expect_grammar(const std::string& encoded) {
  bool in_string = false;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(encoded[i]);
    if (in_string) {
      ASSERT_GE(c, 0x20) << encoded;
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else {
      ASSERT_TRUE(c != ' ' && c != '\n' && c != '\t' && c != '\r') << encoded;
      if (c == '"') in_string = true;
    }
  }
}

void expect_sorted_keys(const boost::json::value& v) {
  if (v.is_array()) {
    for (const auto& e : v.get_array()) expect_sorted_keys(e);
  } else if (v.is_object()) {
    std::string previous;
    bool first = true;
    for (const auto& m : v.get_object()) {
      std::string key(m.key());
      if (!first) {
        EXPECT_LT(previous, key);
      }
      previous = key;
      first = false;
      expect_sorted_keys(m.value());
    }
  }
}

TEST(CanonicalJsonProperties, FixedPointOrderIndependentAndWellFormed) {
  RandomJson generator(20261122);
  std::size_t objects = 0;
  for (int i = 0; i < 5000; ++i) {
    boost::json::value original = generator.value(0);
    std::string encoded = encode_canonical(original);
    auto reparsed = parse(encoded);
    ASSERT_TRUE(reparsed) << reparsed.error() << "\n" << encoded;
    ASSERT_EQ(encode_canonical(*reparsed), encoded);
    ASSERT_EQ(*reparsed, original);
    ASSERT_EQ(encode_canonical(generator.shuffled(original)), encoded);
    ASSERT_TRUE(check_canonical_numbers(original));
    expect_grammar(encoded);
    // Parsing keeps the encoded member order, which must be sorted.
    expect_sorted_keys(*reparsed);
    if (original.is_object() && original.get_object().size() > 1) ++objects;
  }
  // The generator must exercise multi-member objects, where ordering matters.
  EXPECT_GT(objects, 2000u);
}

}  // namespace
}  // namespace myelin::json
