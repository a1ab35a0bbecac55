#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/client/http_client.hpp"
#include "http/dns/dns_resolver.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/discovery/server_resolver.hpp"

namespace myelin::services {

struct FederationClientOptions {
  FederationClientOptions(std::string our_name, crypto::SigningKey key)
      : origin(std::move(our_name)), signing_key(std::move(key)) {}

  std::string origin;  // our server name: X-Matrix origin
  crypto::SigningKey signing_key;
  std::vector<std::string> dns_servers;               // federation.dns_servers; empty: the system's
  std::vector<std::string> trusted_ca_files;          // on top of the system's CAs
  bool verify_certificates = true;                    // false: development only
  std::chrono::milliseconds connect_timeout{10'000};  // per address: TCP and TLS handshake
  // Writing the request and reading the whole answer. 60 s: Synapse's federation default; a
  // large /state or /send_join answer needs time.
  std::chrono::milliseconds request_timeout{60'000};
  // 100 MiB: /state, /send_join and /backfill of big rooms answer tens of megabytes; beyond this
  // a server is either broken or hostile.
  std::size_t max_response_size = 100 * 1024 * 1024;
  // Tests only: where well-known documents are fetched (443) and the well-known cache's clock.
  std::uint16_t well_known_port = 443;
  std::function<std::int64_t()> now_ms;
};

// The options from the config: federation.dns_servers, federation.verify_certificates,
// trusted_ca_files, server_name.
FederationClientOptions federation_client_options(const config::Config& config,
                                                  const crypto::SigningKey& signing_key);

// The real FederationTransport: server discovery (ServerResolver), HTTPS to the addresses it
// found in order (the next on connection failure) with the Host header and TLS name discovery
// decided, certificates checked against the system CAs plus trusted_ca_files, X-Matrix
// signatures, pooled keep-alive connections.
//
// Errors: a JSON error answer (any non-2xx with a JSON body, and a 4xx without one) is
// FederationRequestError; discovery, DNS, connection, TLS and time-out trouble, a 2xx that is
// not JSON, a 5xx without a JSON body (a proxy's error page), and an answer over
// max_response_size are FederationUnreachable.
class FederationClient final : public FederationTransport {
 public:
  // Throws std::invalid_argument for bad dns_servers, std::runtime_error for unreadable CA
  // files. Logs a loud warning when certificates are not verified.
  explicit FederationClient(FederationClientOptions options);
  ~FederationClient() override;

  boost::asio::awaitable<boost::json::value> request(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) override;
  boost::asio::awaitable<boost::json::value> request_unsigned(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) override;

  // Where `destination` is reached (for `federation check`-like diagnostics and tests).
  boost::asio::awaitable<discovery::ResolvedServer> resolve(std::string destination);

 private:
  boost::asio::awaitable<boost::json::value> send(std::string destination, std::string method,
                                                  std::string path,
                                                  std::optional<boost::json::value> body,
                                                  bool sign);

  FederationClientOptions options_;
  http::dns::DnsResolver dns_;
  discovery::ServerResolver resolver_;
  http::HttpClient http_;
};

}  // namespace myelin::services
