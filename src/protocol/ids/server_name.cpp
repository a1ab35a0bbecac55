#include "protocol/ids/server_name.hpp"

#include <charconv>

namespace myelin::ids {
namespace {

// 255: the whole server name, as every identifier containing one is limited to 255 bytes.
constexpr std::size_t kMaxServerNameBytes = 255;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Four decimal numbers 0–255 of 1–3 digits separated by dots.
bool is_ipv4(std::string_view host) {
  int parts = 0;
  while (true) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (digits < host.size() && is_digit(host[digits])) {
      value = value * 10 + static_cast<unsigned>(host[digits] - '0');
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    host.remove_prefix(digits);
    if (host.empty()) return parts == 4;
    if (host.front() != '.' || parts == 4) return false;
    host.remove_prefix(1);
  }
}

// RFC 3513 section 2.2 text forms: eight groups of 1–4 hex digits, "::" once for a run of zero
// groups, optionally an IPv4 dotted quad in place of the last two groups.
bool is_ipv6(std::string_view address) {
  if (address.size() < 2 || address.size() > 45) return false;  // spec grammar: 2*45IPv6char
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (address.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == address.size()) return true;
  } else if (address.front() == ':') {
    return false;
  }
  while (i < address.size()) {
    std::size_t end = address.find(':', i);
    std::string_view group = address.substr(i, end == std::string_view::npos ? end : end - i);
    if (group.find('.') != std::string_view::npos) {
      // An embedded IPv4 address ends the address and counts as two groups.
      if (end != std::string_view::npos || !is_ipv4(group)) return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    for (char c : group) {
      if (!is_hex(c)) return false;
    }
    ++groups;
    if (end == std::string_view::npos) break;
    i = end + 1;
    if (i < address.size() && address[i] == ':') {
      if (compressed) return false;  // "::" at most once
      compressed = true;
      ++i;
      if (i == address.size()) break;
    } else if (i == address.size()) {
      return false;  // a single trailing ':'
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool is_dns_name(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    if (!is_digit(c) && !is_alpha(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

Expected<ServerName> ServerName::parse(std::string_view text) {
  if (text.empty()) return fail("server name is empty");
  if (text.size() > kMaxServerNameBytes) {
    return fail("server name is longer than " + std::to_string(kMaxServerNameBytes) + " bytes");
  }
  ServerName name;
  name.text_ = std::string(text);

  std::string_view host = text;
  std::optional<std::string_view> port_text;
  if (text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return fail("IPv6 literal is missing its ']'");
    host = text.substr(0, close + 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("unexpected characters after the IPv6 literal");
      port_text = rest.substr(1);
    }
    if (!is_ipv6(host.substr(1, host.size() - 2))) return fail("invalid IPv6 literal");
    name.host_kind_ = HostKind::kIpv6;
  } else {
    std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port_text = text.substr(colon + 1);
    }
    // A host of only digits and dots is meant as an IPv4 literal and must be a valid one.
    bool looks_numeric = !host.empty() && host.find_first_not_of("0123456789.") == host.npos;
    if (looks_numeric) {
      if (!is_ipv4(host)) return fail("invalid IPv4 literal \"" + std::string(host) + "\"");
      name.host_kind_ = HostKind::kIpv4;
    } else if (!is_dns_name(host)) {
      return fail("invalid host \"" + std::string(host) +
                  "\": only letters, digits, '-' and '.' are allowed");
    }
  }
  if (port_text) {
    unsigned port = 0;
    auto [end, err] =
        std::from_chars(port_text->data(), port_text->data() + port_text->size(), port);
    // Spec grammar: 1*5DIGIT; a port must also be a real one, 1–65535.
    if (port_text->empty() || port_text->size() > 5 || err != std::errc() ||
        end != port_text->data() + port_text->size() || port == 0 || port > 65535) {
      return fail("invalid port \"" + std::string(*port_text) + "\"");
    }
    name.port_ = static_cast<std::uint16_t>(port);
  }
  name.host_ = std::string(host);
  return name;
}

}  // namespace myelin::ids
