#include "services/sso/user_mapping.hpp"

#include <algorithm>
#include <cctype>

#include "http/client/url.hpp"

namespace myelin::services::sso {

namespace bj = boost::json;

namespace {

bool allowed_in_localpart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
         c == '=' || c == '/' || c == '+';
}

bool value_matches(const bj::value& claim, const std::vector<std::string>& values) {
  if (claim.is_string()) {
    return std::find(values.begin(), values.end(), claim.get_string()) != values.end();
  }
  if (claim.is_array()) {
    return std::any_of(claim.get_array().begin(), claim.get_array().end(),
                       [&](const bj::value& item) { return value_matches(item, values); });
  }
  return false;
}

}  // namespace

std::string map_username_to_localpart(std::string_view username) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : username) {
    if (c < 0x80) c = static_cast<unsigned char>(std::tolower(c));
    if (allowed_in_localpart(c)) {
      out += static_cast<char>(c);
    } else {
      out += '=';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (!out.empty() && out.front() == '_') out.insert(0, "=");
  return out;
}

bool meets_requirements(const bj::object& claims,
                        const std::vector<config::OidcAttributeRequirement>& requirements) {
  for (const config::OidcAttributeRequirement& requirement : requirements) {
    const bj::value* claim = claims.if_contains(requirement.attribute);
    if (!claim || !value_matches(*claim, requirement.values)) return false;
  }
  return true;
}

bool valid_client_redirect_url(std::string_view url) { return http::parse_url(url).has_value(); }

}  // namespace myelin::services::sso
