#pragma once

#include <string>
#include <vector>

namespace myelin::config {

// federation: how this server finds and talks to other homeservers. CA files trusted for
// outgoing TLS are the top-level trusted_ca_files.
struct FederationConfig {
  // Name servers for server discovery, "ip", "ip:port" or "[ipv6]:port"; empty: the system's
  // (/etc/resolv.conf).
  std::vector<std::string> dns_servers;
  // false accepts any certificate from other servers: for development only (Synapse's
  // federation_verify_certificates).
  bool verify_certificates = true;
};

}  // namespace myelin::config
