#include "services/federation/discovery/well_known_cache_policy.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace myelin::services::discovery {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::chrono::seconds well_known_cache_period(std::optional<std::string_view> cache_control) {
  std::optional<std::chrono::seconds> asked;
  if (cache_control) {
    std::string_view rest = *cache_control;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string directive = lower(trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (directive == "no-store" || directive == "no-cache") {
        asked = std::chrono::seconds(0);
        break;
      }
      if (directive.rfind("max-age=", 0) == 0) {
        std::string_view value = directive;
        value.remove_prefix(8);
        if (!value.empty() && value.front() == '"' && value.back() == '"' && value.size() >= 2) {
          value = value.substr(1, value.size() - 2);
        }
        std::uint64_t seconds = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (error == std::errc::result_out_of_range) {
          asked = kWellKnownMaxCache;
        } else if (error == std::errc() && end == value.data() + value.size()) {
          asked = std::chrono::seconds(std::min<std::uint64_t>(
              seconds, static_cast<std::uint64_t>(kWellKnownMaxCache.count())));
        }
      }
    }
  }
  if (!asked) return kWellKnownDefaultCache;
  return std::clamp(*asked, std::chrono::seconds(kWellKnownMinCache),
                    std::chrono::seconds(kWellKnownMaxCache));
}

std::chrono::seconds well_known_down_period(int consecutive_failures) {
  std::chrono::seconds period = kWellKnownDownCache;
  for (int i = 1; i < consecutive_failures && period < kWellKnownInvalidCache; ++i) period *= 2;
  return std::min(period, std::chrono::seconds(kWellKnownInvalidCache));
}

}  // namespace myelin::services::discovery
