#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/client/http_client.hpp"
#include "http/dns/dns_resolver.hpp"
#include "services/federation/discovery/resolved_server.hpp"

namespace myelin::services::discovery {

// Discovery found nowhere to connect: a malformed server name, names without addresses, or DNS
// failing. The text is for logs.
class DiscoveryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerResolverOptions {
  // For the well-known fetch: CAs beyond the system's, and whether certificates are checked
  // (federation.verify_certificates).
  std::vector<std::string> trusted_ca_files;
  bool verify_certificates = true;
  std::chrono::milliseconds well_known_timeout{10'000};
  // Where https://<name>/.well-known/matrix/server connects: 443; tests serve elsewhere.
  std::uint16_t well_known_port = 443;
  // Milliseconds since the epoch; empty: the system clock. Tests move it to expire the cache.
  std::function<std::int64_t()> now_ms;
};

// Server discovery, exactly the steps of the spec (server-server API, "Resolving server names"):
// IP literal; host with explicit port; /.well-known/matrix/server delegation (cached) and the
// delegated name handled as an IP literal, with its port, by _matrix-fed._tcp then the
// deprecated _matrix._tcp SRV, or on 8448; without delegation the same SRV steps for the name
// itself, then its A/AAAA addresses on 8448. Shared by every federation request; thread-safe.
class ServerResolver {
 public:
  ServerResolver(http::dns::DnsResolver& dns, ServerResolverOptions options);

  // Throws DiscoveryError.
  boost::asio::awaitable<ResolvedServer> resolve(std::string server_name);

  // Default port of federation (spec: "or 8448 if no port is given").
  static constexpr std::uint16_t kDefaultPort = 8448;

 private:
  struct CachedWellKnown {
    std::optional<std::string> server;
    std::int64_t expires_ms = 0;
    int failures = 0;  // consecutive unreachable answers (back-off)
  };

  boost::asio::awaitable<std::optional<std::string>> delegation(std::string hostname);
  // Steps 3.3-3.5 and 4-6: SRV, deprecated SRV, then the name's addresses on 8448.
  boost::asio::awaitable<ResolvedServer> by_srv_or_default_port(std::string name);
  boost::asio::awaitable<std::vector<http::ConnectAddress>> addresses(std::string host,
                                                                      std::uint16_t port);
  std::int64_t now_ms() const;

  http::dns::DnsResolver& dns_;
  ServerResolverOptions options_;
  http::HttpClient http_;
  std::mutex mutex_;
  std::map<std::string, CachedWellKnown> well_known_;  // guarded by mutex_
};

}  // namespace myelin::services::discovery
