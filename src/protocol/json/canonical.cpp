#include "protocol/json/canonical.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace myelin::json {
namespace {

namespace bj = boost::json;

// Bytes that must be escaped: the ASCII control characters, '"' and '\\'.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}();

// Whether any of eight bytes is below 0x20, '"' or '\\' (the "has less" and "has zero byte" bit
// tricks): strings are mostly plain text, so whole words are skipped at once. A flagged word is
// then looked at byte by byte, so a rare false positive costs only time.
bool word_may_need_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  auto has_zero_byte = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighBits; };
  std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighBits;
  return (below_space | has_zero_byte(word ^ (kOnes * '"')) |
          has_zero_byte(word ^ (kOnes * '\\'))) != 0;
}

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if (!word_may_need_escape(word)) {
        i += 7;  // the loop adds the eighth
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!kNeedsEscape[c]) continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(escape, sizeof escape);
      }
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

void append_integer(std::string& out, auto n) {
  char buffer[24];
  auto [end, err] = std::to_chars(buffer, buffer + sizeof buffer, n);
  out.append(buffer, end);
}

void append_object(std::string& out, const bj::object& object);

void append_value(std::string& out, const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::null:
      out.append("null");
      break;
    case bj::kind::bool_:
      out.append(value.get_bool() ? "true" : "false");
      break;
    case bj::kind::int64:
      append_integer(out, value.get_int64());
      break;
    case bj::kind::uint64:
      append_integer(out, value.get_uint64());
      break;
    case bj::kind::double_:
      out.append(python_float_repr(value.get_double()));
      break;
    case bj::kind::string: {
      const bj::string& s = value.get_string();
      append_escaped(out, std::string_view(s.data(), s.size()));
      break;
    }
    case bj::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const bj::value& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_value(out, element);
      }
      out.push_back(']');
      break;
    }
    case bj::kind::object:
      append_object(out, value.get_object());
      break;
  }
}

void append_members(std::string& out, const bj::object& object,
                    std::initializer_list<std::string_view> excluded) {
  // Sorting pointers keeps the value untouched; UTF-8 byte order is code point order.
  constexpr std::size_t kInline = 32;
  const bj::key_value_pair* inline_members[kInline];
  std::vector<const bj::key_value_pair*> heap_members;
  const bj::key_value_pair** members = inline_members;
  if (object.size() > kInline) {
    heap_members.resize(object.size());
    members = heap_members.data();
  }
  std::size_t count = 0;
  for (const bj::key_value_pair& member : object) {
    std::string_view key(member.key().data(), member.key().size());
    if (excluded.size() != 0 &&
        std::find(excluded.begin(), excluded.end(), key) != excluded.end()) {
      continue;
    }
    members[count++] = &member;
  }
  std::sort(members, members + count, [](const bj::key_value_pair* a, const bj::key_value_pair* b) {
    return a->key() < b->key();
  });

  out.push_back('{');
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    bj::string_view key = members[i]->key();
    append_escaped(out, std::string_view(key.data(), key.size()));
    out.push_back(':');
    append_value(out, members[i]->value());
  }
  out.push_back('}');
}

void append_object(std::string& out, const bj::object& object) { append_members(out, object, {}); }

constexpr std::int64_t kMaxCanonicalInt = (std::int64_t{1} << 53) - 1;

Expected<Ok> check_numbers_at(const bj::value& value, std::string& path) {
  switch (value.kind()) {
    case bj::kind::int64: {
      std::int64_t n = value.get_int64();
      if (n > kMaxCanonicalInt || n < -kMaxCanonicalInt) {
        return fail("integer out of range at " + (path.empty() ? "$" : path));
      }
      return Ok{};
    }
    case bj::kind::uint64:
      return fail("integer out of range at " + (path.empty() ? "$" : path));
    case bj::kind::double_:
      return fail("non-integer number at " + (path.empty() ? "$" : path));
    case bj::kind::array: {
      std::size_t index = 0;
      for (const bj::value& element : value.get_array()) {
        std::size_t mark = path.size();
        path += "[" + std::to_string(index++) + "]";
        auto result = check_numbers_at(element, path);
        path.resize(mark);
        if (!result) return result;
      }
      return Ok{};
    }
    case bj::kind::object: {
      for (const bj::key_value_pair& member : value.get_object()) {
        std::size_t mark = path.size();
        path += ".";
        path.append(member.key().data(), member.key().size());
        auto result = check_numbers_at(member.value(), path);
        path.resize(mark);
        if (!result) return result;
      }
      return Ok{};
    }
    default:
      return Ok{};
  }
}

}  // namespace

void append_canonical(std::string& out, const bj::value& value) { append_value(out, value); }

void append_canonical_without(std::string& out, const bj::object& object,
                              std::initializer_list<std::string_view> excluded) {
  append_members(out, object, excluded);
}

std::string encode_canonical(const bj::value& value) {
  std::string out;
  out.reserve(256);
  append_value(out, value);
  return out;
}

Expected<Ok> check_canonical_numbers(const bj::value& value) {
  std::string path;
  return check_numbers_at(value, path);
}

std::string python_float_repr(double value) {
  if (!std::isfinite(value)) {
    // parse() never produces these; code that builds one has a bug (Python refuses them too).
    throw std::invalid_argument("non-finite number cannot be encoded as JSON");
  }
  // Shortest round-trip digits, as Python's repr: "d.ddde±X".
  char buffer[32];
  auto [end, err] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view sci(buffer, end - buffer);
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

  // Python (float_repr_style 'short', mode 'r'): fixed notation when -4 <= exponent < 16.
  std::string out = negative ? "-" : "";
  int decimal_point = exponent + 1;  // digits before the point
  if (exponent >= -4 && exponent < 16) {
    if (decimal_point <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decimal_point), '0');
      out += digits;
    } else if (static_cast<std::size_t>(decimal_point) >= digits.size()) {
      out += digits;
      out.append(static_cast<std::size_t>(decimal_point) - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, decimal_point);
      out += '.';
      out += digits.substr(decimal_point);
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
  }
  return out;
}

}  // namespace myelin::json
