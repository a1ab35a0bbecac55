#include "protocol/json/parse.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>

namespace myelin::json {
namespace {

namespace bj = boost::json;

// For a JSON number std::from_chars could not represent: whether its magnitude is below one (an
// underflow, which rounds to zero as Python does) rather than too large for a double.
bool magnitude_below_one(std::string_view number) {
  if (!number.empty() && number.front() == '-') number.remove_prefix(1);
  std::size_t exp_at = number.find_first_of("eE");
  long exponent = 0;
  if (exp_at != std::string_view::npos) {
    std::string_view exp_text = number.substr(exp_at + 1);
    bool negative = !exp_text.empty() && exp_text.front() == '-';
    if (!exp_text.empty() && (exp_text.front() == '-' || exp_text.front() == '+')) {
      exp_text.remove_prefix(1);
    }
    for (char c : exp_text) exponent = std::min(exponent * 10 + (c - '0'), 1'000'000L);
    if (negative) exponent = -exponent;
    number = number.substr(0, exp_at);
  }
  // Decimal position of the first significant digit, relative to the point.
  std::size_t point = number.find('.');
  std::string_view integer = number.substr(0, point);
  std::size_t first_nonzero = integer.find_first_not_of('0');
  if (first_nonzero != std::string_view::npos) {
    return static_cast<long>(integer.size() - first_nonzero) + exponent <= 0;
  }
  std::string_view fraction = point == std::string_view::npos ? "" : number.substr(point + 1);
  std::size_t leading_zeros = fraction.find_first_not_of('0');
  if (leading_zeros == std::string_view::npos) return true;  // zero
  return -static_cast<long>(leading_zeros) + exponent <= 0;
}

// Builds the value like boost::json::parser does, but sees every number's text so that doubles
// are converted with std::from_chars (correctly rounded, as Python's float()) rather than with
// Boost's fast approximate conversion.
class ValueBuilder {
 public:
  static constexpr std::size_t max_object_size = bj::object::max_size();
  static constexpr std::size_t max_array_size = bj::array::max_size();
  static constexpr std::size_t max_key_size = bj::string::max_size();
  static constexpr std::size_t max_string_size = bj::string::max_size();

  bj::value_stack stack;
  std::string number_text;
  std::string failure;

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) { return true; }
  bool on_object_end(std::size_t n, bj::error_code&) {
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(bj::error_code&) { return true; }
  bool on_array_end(std::size_t n, bj::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(bj::string_view s, bj::error_code&) {
    number_text.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, bj::string_view, bj::error_code&) {
    number_text.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
    number_text.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double, bj::string_view s, bj::error_code& ec) {
    number_text.append(s.data(), s.size());
    double d = 0;
    const char* first = number_text.data();
    const char* last = first + number_text.size();
    auto [end, err] = std::from_chars(first, last, d);
    if (err != std::errc() || end != last || !std::isfinite(d)) {
      // Out-of-range magnitudes would become infinity, which no JSON encoder can write back.
      // Underflow (a tiny but valid number) rounds to zero as Python does.
      if (err == std::errc::result_out_of_range && end == last &&
          magnitude_below_one(number_text)) {
        stack.push_double(number_text.front() == '-' ? -0.0 : 0.0);
        number_text.clear();
        return true;
      }
      number_text.clear();
      failure = "number out of range";
      ec = bj::error::exponent_overflow;
      return false;
    }
    number_text.clear();
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, bj::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(bj::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

}  // namespace

Expected<bj::value> parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return fail("JSON document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                std::to_string(limits.max_bytes));
  }
  bj::parse_options options;
  options.max_depth = limits.max_depth;
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  options.allow_invalid_utf8 = false;

  bj::basic_parser<ValueBuilder> parser(options);
  parser.handler().stack.reset();
  bj::error_code ec;
  std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) {
    std::string reason = parser.handler().failure;
    if (reason.empty()) reason = ec.message();
    return fail("invalid JSON at byte " + std::to_string(consumed) + ": " + reason);
  }
  if (consumed != text.size()) {
    return fail("invalid JSON: unexpected data after the document at byte " +
                std::to_string(consumed));
  }
  return parser.handler().stack.release();
}

Expected<bj::object> parse_object(std::string_view text, const ParseLimits& limits) {
  auto value = parse(text, limits);
  if (!value) return Unexpected{value.error()};
  if (!value->is_object()) return fail("JSON document is not an object");
  return std::move(value->as_object());
}

}  // namespace myelin::json
