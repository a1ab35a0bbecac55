#include "protocol/auth/power_level.hpp"

#include <charconv>
#include <cmath>

#include "protocol/json/access.hpp"

namespace myelin::auth {
namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::string PowerLevel::to_string() const {
  return infinite_ ? std::string("infinite") : std::to_string(value_);
}

std::optional<std::int64_t> parse_power_level_string(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  // Parse the magnitude as unsigned so that "-9223372036854775808" fits.
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  constexpr std::uint64_t kMaxPositive = static_cast<std::uint64_t>(INT64_MAX);
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    return magnitude == kMaxPositive + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::optional<std::int64_t> parse_power_level(const boost::json::value& value,
                                              const RoomVersion& version) {
  if (std::optional<std::int64_t> integer = json::as_int(value)) return integer;
  if (version.enforce_int_power_levels) return std::nullopt;
  if (value.is_string()) return parse_power_level_string(json::view(value.get_string()));
  // Floats can only appear where canonical JSON is not enforced (v1–v5).
  if (value.is_double() && !version.strict_canonical_json) {
    double truncated = std::trunc(value.get_double());
    // 2^63 is exactly representable; anything at or beyond it does not fit int64.
    if (!std::isfinite(truncated) || truncated >= 9223372036854775808.0 ||
        truncated < -9223372036854775808.0) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(truncated);
  }
  return std::nullopt;
}

}  // namespace myelin::auth
