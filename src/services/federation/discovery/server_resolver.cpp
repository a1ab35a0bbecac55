#include "services/federation/discovery/server_resolver.hpp"

#include "base/log.hpp"
#include "protocol/ids/server_name.hpp"
#include "services/federation/discovery/well_known_cache_policy.hpp"
#include "services/federation/discovery/well_known_fetch.hpp"

namespace myelin::services::discovery {

namespace asio = boost::asio;
using http::dns::DnsStatus;

namespace {

// Cached well-known results kept at most: beyond it, expired entries go first, then all (a
// server federating with this many others refetches a few documents).
constexpr std::size_t kMaxCachedWellKnown = 10'000;

std::string without_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

ids::ServerName parse_name(const std::string& text) {
  auto parsed = ids::ServerName::parse(text);
  if (!parsed) throw DiscoveryError("not a server name: " + text);
  return *parsed;
}

// Steps 1 and 3.1: the IP literal itself, its port or 8448; the Host header is the name as
// written (with its port, when one was given).
ResolvedServer literal(const ids::ServerName& name) {
  const std::string ip = without_brackets(name.host());
  return ResolvedServer{
      name.to_string(), ip, {{ip, name.port().value_or(ServerResolver::kDefaultPort)}}};
}

http::HttpClientOptions well_known_http(const ServerResolverOptions& options) {
  http::HttpClientOptions out;
  out.trusted_ca_files = options.trusted_ca_files;
  out.verify_certificates = options.verify_certificates;
  out.connect_timeout = options.well_known_timeout;
  out.read_timeout = options.well_known_timeout;
  out.max_body_size = kWellKnownMaxSize;
  return out;
}

}  // namespace

ServerResolver::ServerResolver(http::dns::DnsResolver& dns, ServerResolverOptions options)
    : dns_(dns), options_(std::move(options)), http_(well_known_http(options_)) {}

std::int64_t ServerResolver::now_ms() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

asio::awaitable<ResolvedServer> ServerResolver::resolve(std::string server_name) {
  const ids::ServerName name = parse_name(server_name);
  if (name.is_ip_literal()) co_return literal(name);  // step 1
  if (name.port()) {                                  // step 2
    std::string host = name.host();
    auto found = co_await addresses(host, *name.port());
    co_return ResolvedServer{name.to_string(), name.host(), std::move(found)};
  }
  std::string hostname = name.host();
  std::optional<std::string> delegated = co_await delegation(hostname);  // step 3
  if (!delegated) {
    ResolvedServer out = co_await by_srv_or_default_port(hostname);  // steps 4-6
    co_return out;
  }
  const ids::ServerName target = parse_name(*delegated);
  if (target.is_ip_literal()) co_return literal(target);  // 3.1
  if (target.port()) {                                    // 3.2
    std::string host = target.host();
    auto found = co_await addresses(host, *target.port());
    co_return ResolvedServer{target.to_string(), target.host(), std::move(found)};
  }
  std::string delegated_host = target.host();
  ResolvedServer out = co_await by_srv_or_default_port(delegated_host);  // 3.3-3.5
  co_return out;
}

asio::awaitable<ResolvedServer> ServerResolver::by_srv_or_default_port(std::string name) {
  // _matrix-fed._tcp (spec v1.8), then the deprecated _matrix._tcp. An SRV target changes where
  // we connect, never the name the certificate must carry or the Host header.
  for (const char* service : {"_matrix-fed._tcp.", "_matrix._tcp."}) {
    std::string query = service + name;
    auto srv = co_await dns_.srv(query);
    // A failed lookup is not "no record": falling through to port 8448 could reach another
    // server than the one the records name.
    if (srv.status == DnsStatus::kFailed) {
      throw DiscoveryError("SRV lookup of " + query + " failed: " + srv.error);
    }
    if (srv.status != DnsStatus::kFound) continue;
    ResolvedServer out{name, name, {}};
    std::string problems;
    for (const http::dns::SrvRecord& record : srv.records) {
      std::string target = record.target;
      auto found = co_await dns_.addresses(target);
      if (found.status != DnsStatus::kFound) {
        problems += " " + target + (found.error.empty() ? ": no address" : ": " + found.error);
        continue;
      }
      for (const auto& address : found.records) {
        out.addresses.push_back({address.to_string(), record.port});
      }
    }
    if (out.addresses.empty()) {
      throw DiscoveryError("no SRV target of " + query + " has an address:" + problems);
    }
    co_return out;
  }
  auto found = co_await addresses(name, kDefaultPort);
  co_return ResolvedServer{name, name, std::move(found)};
}

asio::awaitable<std::vector<http::ConnectAddress>> ServerResolver::addresses(std::string host,
                                                                             std::uint16_t port) {
  std::string bare = without_brackets(host);
  auto found = co_await dns_.addresses(bare);
  if (found.status == DnsStatus::kNotFound) throw DiscoveryError("no address for " + host);
  if (found.status == DnsStatus::kFailed) {
    throw DiscoveryError("looking up " + host + " failed: " + found.error);
  }
  std::vector<http::ConnectAddress> out;
  for (const auto& address : found.records) out.push_back({address.to_string(), port});
  co_return out;
}

asio::awaitable<std::optional<std::string>> ServerResolver::delegation(std::string hostname) {
  {
    std::lock_guard lock(mutex_);
    auto cached = well_known_.find(hostname);
    if (cached != well_known_.end() && cached->second.expires_ms > now_ms()) {
      co_return cached->second.server;
    }
  }
  // Two requests for the same uncached name may both fetch: harmless, and rarer than a lock
  // held across the fetch would be costly.
  WellKnownResult result =
      co_await fetch_well_known(http_, dns_, hostname, options_.well_known_port);
  if (!result.server) {
    log::debug("federation", "no well-known delegation for {}: {}", hostname, result.problem);
  }
  std::lock_guard lock(mutex_);
  const std::int64_t now = now_ms();
  if (well_known_.size() >= kMaxCachedWellKnown) {
    std::erase_if(well_known_, [now](const auto& entry) { return entry.second.expires_ms <= now; });
    if (well_known_.size() >= kMaxCachedWellKnown) well_known_.clear();
  }
  CachedWellKnown& entry = well_known_[hostname];
  entry.failures = result.unreachable ? entry.failures + 1 : 0;
  const std::chrono::seconds period =
      result.unreachable ? well_known_down_period(entry.failures) : result.cache_for;
  entry.server = result.server;
  entry.expires_ms = now + std::chrono::duration_cast<std::chrono::milliseconds>(period).count();
  co_return result.server;
}

}  // namespace myelin::services::discovery
