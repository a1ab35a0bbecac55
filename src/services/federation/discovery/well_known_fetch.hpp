#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "http/client/http_client.hpp"
#include "http/dns/dns_resolver.hpp"

namespace myelin::services::discovery {

// What GET https://<hostname>/.well-known/matrix/server said.
struct WellKnownResult {
  std::optional<std::string> server;  // m.server, a valid server name; nullopt: no delegation
  std::chrono::seconds cache_for{0};  // how long to keep this result (well_known_cache_policy)
  std::string problem;                // why there is no delegation, for logs
  bool unreachable = false;           // no answer, or a 5xx: the host may be back soon
};

// Redirects followed at most this many times (the spec asks to avoid loops; Synapse's agent
// stops at a few). A chain this long is a misconfiguration.
inline constexpr int kWellKnownMaxRedirects = 5;
// 50 KiB (Synapse): the document is one small JSON object.
inline constexpr std::size_t kWellKnownMaxSize = 50 * 1024;

// Fetches and judges the document, following https redirects (a loop or too many count as
// invalid). Host names are resolved through `dns` (federation.dns_servers), not the system's
// resolver. `https_port` is where https URLs without a port connect: 443, or a test's port.
// Never throws for the remote server's trouble: that is a result (with its cache period).
boost::asio::awaitable<WellKnownResult> fetch_well_known(http::HttpClient& http,
                                                         http::dns::DnsResolver& dns,
                                                         std::string hostname,
                                                         std::uint16_t https_port);

}  // namespace myelin::services::discovery
