#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::ids {

// A server name (spec appendix "Server Name"): a DNS name, an IPv4 literal or a bracketed IPv6
// literal, with an optional port. Compared case-sensitively, as the spec says.
class ServerName {
 public:
  enum class HostKind { kDns, kIpv4, kIpv6 };

  static Expected<ServerName> parse(std::string_view text);
  static bool is_valid(std::string_view text) { return parse(text).has_value(); }

  // The host as written; IPv6 literals keep their brackets ("[::1]").
  const std::string& host() const { return host_; }
  const std::optional<std::uint16_t>& port() const { return port_; }
  HostKind host_kind() const { return host_kind_; }
  bool is_ip_literal() const { return host_kind_ != HostKind::kDns; }
  const std::string& to_string() const { return text_; }

  bool operator==(const ServerName& other) const { return text_ == other.text_; }

 private:
  std::string text_;
  std::string host_;
  std::optional<std::uint16_t> port_;
  HostKind host_kind_ = HostKind::kDns;
};

}  // namespace myelin::ids
