#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "services/federation/check/check_dns.hpp"
#include "services/federation/check/check_report.hpp"
#include "services/federation/check/tls_probe.hpp"

namespace myelin::services::federation_check {

// Connects, inspects the certificate and GETs the paths (probe_https, or a fake in tests).
using Prober =
    std::function<TlsProbeResult(const ProbeTarget&, const std::vector<std::string>& paths)>;

// Walks server discovery for `server_name` as another homeserver would (spec server-server API
// "Resolving server names"): the well-known document (redirects followed), the _matrix-fed._tcp
// and deprecated _matrix._tcp SRV records, the addresses, then at each address TLS (chain, names,
// validity), /_matrix/federation/v1/version and /_matrix/key/v2/server (server_name,
// self-signatures, valid_until_ts). Every step is recorded; each mistake found adds a FIX line.
CheckReport check_federation(std::string_view server_name, CheckDns& dns, const Prober& probe,
                             std::int64_t now_ms);

}  // namespace myelin::services::federation_check
