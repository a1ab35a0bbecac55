#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace myelin::services::federation_check {

// Where to connect and what to expect there.
struct ProbeTarget {
  std::string address;  // an IP address, as text
  std::uint16_t port = 0;
  std::string tls_name;     // the name the certificate must hold (sent as SNI unless an IP)
  std::string host_header;  // Host: of the requests
};

struct ProbeResponse {
  std::string path;
  std::string error;  // empty: a response arrived
  int status = 0;
  std::string body;
  std::optional<std::string> location;
};

// What one TLS server presented, judged in every way at once (a handshake that would fail for a
// verifying client is still completed, so that every mistake is seen, not only the first).
struct TlsProbeResult {
  std::string connect_error;    // empty: TCP connected
  bool refused = false;         // the port is closed (connection refused)
  std::string handshake_error;  // empty: TLS handshake completed
  bool chain_verified = false;  // against the system CAs and the extra CA files
  std::string verify_error;     // OpenSSL's reason when not
  bool self_signed = false;
  bool expired = false;
  bool not_yet_valid = false;
  std::string not_after;  // "Jan  1 00:00:00 2020 GMT"
  std::string subject;
  std::string issuer;
  std::vector<std::string> names;  // subjectAltName DNS/IP entries (the CN when there are none)
  bool name_matches = false;       // tls_name is among them (wildcards as RFC 6125)
  std::vector<ProbeResponse> responses;  // one per path asked, each on its own connection

  bool connected() const { return connect_error.empty(); }
  bool handshake_ok() const { return connected() && handshake_error.empty(); }
  // What a verifying federation client demands.
  bool certificate_ok() const {
    return handshake_ok() && chain_verified && name_matches && !expired && !not_yet_valid;
  }
};

struct ProbeOptions {
  std::vector<std::string> ca_files;  // trusted on top of the system's store
  std::chrono::milliseconds timeout{5000};
};

// Connects to the target, inspects its certificate and GETs each path (HTTP/1.1 over TLS).
// Blocking: runs its own event loop. Throws std::runtime_error when a CA file cannot be read.
TlsProbeResult probe_https(const ProbeTarget& target, const std::vector<std::string>& paths,
                           const ProbeOptions& options);

}  // namespace myelin::services::federation_check
