#include "http/server/client_address.hpp"

namespace myelin::http {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view host_of(std::string_view peer) {
  if (!peer.empty() && peer.front() == '[') {
    const std::size_t close = peer.find(']');
    return close == std::string_view::npos ? peer : peer.substr(1, close - 1);
  }
  const std::size_t colon = peer.rfind(':');
  // Exactly one colon: host:port. More: a bare IPv6 address.
  if (colon != std::string_view::npos && peer.find(':') == colon) return peer.substr(0, colon);
  return peer;
}

}  // namespace

std::string client_address(std::string_view peer, const Headers& headers, bool trust_forwarded) {
  if (trust_forwarded) {
    if (auto forwarded = headers.get("X-Forwarded-For")) {
      std::string_view first = trim(forwarded->substr(0, forwarded->find(',')));
      if (!first.empty()) return std::string(first);
    }
  }
  return std::string(host_of(peer));
}

}  // namespace myelin::http
