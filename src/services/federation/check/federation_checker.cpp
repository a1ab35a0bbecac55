#include "services/federation/check/federation_checker.hpp"

#include <arpa/inet.h>

#include <boost/json/parse.hpp>
#include <optional>
#include <set>

#include "http/client/url.hpp"
#include "protocol/ids/server_name.hpp"
#include "services/federation/check/check_documents.hpp"

namespace myelin::services::federation_check {
namespace {

namespace json = boost::json;

constexpr std::uint16_t kFederationPort = 8448;
constexpr std::uint16_t kHttpsPort = 443;
constexpr int kMaxRedirects = 5;
// Enough to see a pattern; a server name with more addresses than this is unusual.
constexpr std::size_t kMaxTargets = 8;
constexpr std::string_view kWellKnownPath = "/.well-known/matrix/server";
constexpr std::string_view kVersionPath = "/_matrix/federation/v1/version";
constexpr std::string_view kKeyPath = "/_matrix/key/v2/server";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(none)" : out;
}

bool is_ip_address(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string unbracket(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

std::string with_port(const std::string& address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

// Where discovery says to connect: a host (resolved next) and port, the name the certificate
// must hold and the Host header.
struct Route {
  std::string host;  // a DNS name or an IP address
  std::uint16_t port = kFederationPort;
  std::string tls_name;
  std::string host_header;
  bool via_srv = false;
  std::string how;  // for the report: which step chose it
};

struct WellKnownOutcome {
  std::optional<ids::ServerName> delegated;
  bool any_https = false;  // some web server answered on 443 with a valid certificate
  std::string reason;      // why there is no delegation
};

class Checker {
 public:
  Checker(std::string_view server_name, CheckDns& dns, const Prober& probe, std::int64_t now_ms)
      : name_(server_name), dns_(dns), probe_(probe), now_ms_(now_ms) {
    report_.server_name = name_;
  }

  CheckReport run() {
    CheckSection& first = report_.section("server name " + name_);
    auto parsed = ids::ServerName::parse(name_);
    if (!parsed) {
      first.fail("not a valid server name: " + parsed.error());
      report_.fix("\"" + name_ + "\" is not a server name (hostname[:port], IP literals allowed)");
      return std::move(report_);
    }
    first.ok("valid server name");
    std::vector<Route> routes = discover(*parsed);
    check_routes(routes);
    return std::move(report_);
  }

 private:
  // -- discovery: which hosts and ports ------------------------------------------------------

  std::vector<Route> discover(const ids::ServerName& name) {
    const std::string host = unbracket(name.host());
    if (name.is_ip_literal()) {
      return {Route{host, name.port().value_or(kFederationPort), host, name.to_string(), false,
                    "IP literal"}};
    }
    if (name.port()) {
      return {Route{host, *name.port(), host, name.to_string(), false, "explicit port"}};
    }
    WellKnownOutcome well_known = fetch_well_known(host);
    well_known_ = well_known;
    if (well_known.delegated) {
      const ids::ServerName& delegated = *well_known.delegated;
      const std::string delegated_host = unbracket(delegated.host());
      if (delegated.is_ip_literal() || delegated.port()) {
        return {Route{delegated_host, delegated.port().value_or(kFederationPort), delegated_host,
                      delegated.to_string(), false, "well-known m.server"}};
      }
      return srv_or_default(delegated_host, "well-known m.server " + delegated_host);
    }
    return srv_or_default(host, "server name");
  }

  std::vector<Route> srv_or_default(const std::string& host, const std::string& origin) {
    for (const char* service : {"_matrix-fed._tcp.", "_matrix._tcp."}) {
      const std::string srv_name = service + host;
      CheckSection& section = report_.section("SRV " + srv_name);
      DnsAnswer<SrvRecord> answer = dns_.srv(srv_name);
      if (!answer.error.empty()) {
        section.warn("lookup failed: " + answer.error);
        dns_failure_ = answer.error;
        continue;
      }
      std::vector<Route> routes;
      for (const SrvRecord& record : answer.records) {
        if (record.target.empty() || record.target == ".") continue;  // "no service here"
        section.info(record.target + ":" + std::to_string(record.port) + " (priority " +
                     std::to_string(record.priority) + ", weight " + std::to_string(record.weight) +
                     ")");
        routes.push_back(Route{record.target, record.port, host, host, true, srv_name});
      }
      if (routes.empty()) {
        section.info("no records");
        continue;
      }
      if (std::string_view(service) == "_matrix._tcp.") {
        section.warn("_matrix._tcp is deprecated: publish _matrix-fed._tcp instead");
      }
      srv_used_ = true;
      return routes;
    }
    return {Route{host, kFederationPort, host, host, false, origin + ", no SRV: port 8448"}};
  }

  WellKnownOutcome fetch_well_known(const std::string& host) {
    WellKnownOutcome outcome;
    std::string url = "https://" + host + std::string(kWellKnownPath);
    std::set<std::string> seen;
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
      CheckSection& section = report_.section("well-known " + url);
      std::optional<http::Url> parsed = http::parse_url(url);
      if (!parsed || !parsed->tls()) {
        section.fail("not an https URL");
        outcome.reason = "redirected to a URL that is not https";
        return outcome;
      }
      if (!seen.insert(url).second) {
        section.fail("redirect loop");
        outcome.reason = "redirect loop";
        return outcome;
      }
      std::optional<ProbeResponse> response = fetch_once(*parsed, section, outcome);
      if (!response) return outcome;
      if (response->status >= 300 && response->status < 400 && response->location) {
        section.info("redirect " + std::to_string(response->status) + " to " + *response->location);
        url = response->location->starts_with("/")
                  ? "https://" + parsed->authority() + *response->location
                  : *response->location;
        continue;
      }
      if (response->status != 200) {
        section.fail("answered " + std::to_string(response->status));
        outcome.reason = "https://" + host + std::string(kWellKnownPath) + " answers " +
                         std::to_string(response->status);
        return outcome;
      }
      Expected<ids::ServerName> delegated = parse_well_known(response->body);
      if (!delegated) {
        section.fail("unusable document: " + delegated.error());
        outcome.reason = "its document is unusable (" + delegated.error() + ")";
        report_.fix("/.well-known/matrix/server on " + host + " is unusable (" + delegated.error() +
                    "): it must be JSON {\"m.server\": \"host[:port]\"}");
        return outcome;
      }
      section.ok("m.server: " + delegated->to_string());
      outcome.delegated = *delegated;
      return outcome;
    }
    outcome.reason = "too many redirects";
    return outcome;
  }

  // One GET of a well-known URL at the first address that answers; nullopt when none gave a
  // response over a valid TLS connection (outcome.reason says why).
  std::optional<ProbeResponse> fetch_once(const http::Url& url, CheckSection& section,
                                          WellKnownOutcome& outcome) {
    std::vector<std::string> addresses;
    if (is_ip_address(url.host)) {
      addresses.push_back(url.host);
    } else {
      DnsAnswer<std::string> answer = dns_.addresses(url.host);
      if (!answer.error.empty()) {
        section.fail("resolving " + url.host + ": " + answer.error);
        dns_failure_ = answer.error;
        outcome.reason = "resolving " + url.host + " failed";
        return std::nullopt;
      }
      if (answer.records.empty()) {
        section.fail(url.host + " has no A/AAAA records");
        outcome.reason = url.host + " has no address";
        return std::nullopt;
      }
      addresses = answer.records;
    }
    for (const std::string& address : addresses) {
      ProbeTarget target{address, url.port, url.host, url.authority()};
      TlsProbeResult result = probe_(target, {url.target});
      const std::string where = with_port(address, url.port);
      if (!result.connected()) {
        section.fail(where + ": " + result.connect_error);
        outcome.reason = "nothing answers https on " + url.host + " (" + result.connect_error + ")";
        continue;
      }
      if (!result.handshake_ok()) {
        section.fail(where + ": TLS handshake failed: " + result.handshake_error);
        outcome.reason = "TLS on " + url.host + " failed";
        continue;
      }
      if (!result.certificate_ok()) {
        section.fail(where + ": certificate not valid for " + url.host + ": " +
                     certificate_problem(result));
        outcome.reason = "the certificate of https://" + url.host + "/ is not valid";
        continue;
      }
      outcome.any_https = true;
      if (result.responses.empty() || !result.responses.front().error.empty()) {
        const std::string error =
            result.responses.empty() ? "no response" : result.responses.front().error;
        section.fail(where + ": " + error);
        outcome.reason = "no answer from https://" + url.host + "/";
        continue;
      }
      section.ok("fetched from " + where + ": status " +
                 std::to_string(result.responses.front().status));
      return result.responses.front();
    }
    return std::nullopt;
  }

  static std::string certificate_problem(const TlsProbeResult& result) {
    std::vector<std::string> problems;
    if (!result.chain_verified) problems.push_back(result.verify_error);
    if (result.expired) problems.push_back("expired " + result.not_after);
    if (result.not_yet_valid) problems.push_back("not yet valid");
    if (!result.name_matches) problems.push_back("names " + join(result.names));
    return join(problems);
  }

  // -- each target ---------------------------------------------------------------------------

  void check_routes(const std::vector<Route>& routes) {
    std::size_t probed = 0;
    bool any_address = false;
    for (const Route& route : routes) {
      std::vector<std::string> addresses;
      bool lookup_failed = false;
      if (is_ip_address(route.host)) {
        addresses.push_back(route.host);
      } else {
        CheckSection& section = report_.section("addresses of " + route.host);
        DnsAnswer<std::string> answer = dns_.addresses(route.host);
        if (!answer.error.empty()) {
          section.fail("lookup failed: " + answer.error);
          dns_failure_ = answer.error;
          lookup_failed = true;
        } else if (answer.records.empty()) {
          section.fail("no A/AAAA records");
        } else {
          section.ok(join(answer.records));
        }
        addresses = answer.records;
      }
      if (addresses.empty()) {
        if (lookup_failed) continue;  // not known to be missing: the lookup itself failed
        no_address_hosts_.push_back(route.host);
        continue;
      }
      any_address = true;
      for (const std::string& address : addresses) {
        if (probed++ == kMaxTargets) break;
        if (check_target(route, address)) report_.works = true;
      }
    }
    verdict(any_address);
  }

  // Returns whether federation works through this address.
  bool check_target(const Route& route, const std::string& address) {
    const std::string where = with_port(address, route.port);
    CheckSection& section = report_.section("TLS " + where + " (" + route.how +
                                            ", certificate for " + route.tls_name + ")");
    ProbeTarget target{address, route.port, route.tls_name, route.host_header};
    const std::vector<std::string> paths{std::string(kVersionPath), std::string(kKeyPath)};
    TlsProbeResult result = probe_(target, paths);
    if (!result.connected()) {
      section.fail("connecting: " + result.connect_error);
      if (result.refused) {
        report_.fix("port " + std::to_string(route.port) + " on " + route.host + " (" + address +
                    ") is closed: run a TLS federation listener there (myelin: listeners: "
                    "- port: " +
                    std::to_string(route.port) +
                    ", tls: true, resources: [{names: [federation]}]) or open the port in the "
                    "firewall");
      } else {
        report_.fix("cannot reach " + where + " (" + result.connect_error +
                    "): check the firewall and that the server is running");
      }
      return false;
    }
    if (!result.handshake_ok()) {
      section.fail("TLS handshake failed: " + result.handshake_error);
      report_.fix("TLS fails on " + where + " (" + result.handshake_error +
                  "): the federation listener must speak TLS (tls: true)");
      return false;
    }
    section.info("certificate " + result.subject + ", issued by " + result.issuer);
    if (result.name_matches) reached_named_server_ = true;
    bool ok = judge_certificate(route, where, result, section);
    ok = judge_version(where, result, section) && ok;
    ok = judge_keys(where, result, section) && ok;
    if (ok) section.ok("federation works through " + where);
    return ok;
  }

  bool judge_certificate(const Route& route, const std::string& where, const TlsProbeResult& result,
                         CheckSection& section) {
    bool ok = true;
    if (result.chain_verified) {
      section.ok("certificate chain verified");
    } else if (result.self_signed) {
      ok = false;
      section.fail("certificate is self-signed");
      report_.fix("the certificate on " + where +
                  " is self-signed: other servers refuse it; use one from a CA they trust "
                  "(e.g. Let's Encrypt) for " +
                  route.tls_name);
    } else if (!result.expired) {
      ok = false;
      section.fail("certificate chain does not verify: " + result.verify_error);
      report_.fix("the certificate chain on " + where + " does not verify (" + result.verify_error +
                  "): serve the full chain (certificate then intermediates in "
                  "tls_certificate_path) from a trusted CA");
    }
    if (result.expired) {
      ok = false;
      section.fail("certificate expired " + result.not_after);
      report_.fix("the certificate on " + where + " expired " + result.not_after + ": renew it");
    } else if (result.not_yet_valid) {
      ok = false;
      section.fail("certificate is not valid yet");
      report_.fix("the certificate on " + where + " is not valid yet: check the clock");
    } else {
      section.ok("valid until " + result.not_after);
    }
    if (result.name_matches) {
      section.ok("certificate names " + route.tls_name);
      return ok;
    }
    section.fail("certificate names " + join(result.names) + ", not " + route.tls_name);
    bool names_target = false;
    for (const std::string& name : result.names) names_target |= name == route.host;
    if (route.via_srv) {
      report_.fix("the SRV target " + route.host + ":" + std::to_string(route.port) +
                  " presents a certificate for " + join(result.names) +
                  ", but SRV delegation needs a certificate for the server name " + route.tls_name +
                  (names_target ? " (SRV changes only the address and port; " : " (") + "add " +
                  route.tls_name +
                  " to that certificate, or delegate with "
                  "/.well-known/matrix/server {\"m.server\": \"" +
                  route.host + ":" + std::to_string(route.port) + "\"} instead)");
    } else {
      report_.fix("the certificate on " + where + " names " + join(result.names) + ", not " +
                  route.tls_name + ": get one for " + route.tls_name);
    }
    return false;
  }

  static const ProbeResponse* response_for(const TlsProbeResult& result, std::string_view path) {
    for (const ProbeResponse& response : result.responses) {
      if (response.path == path) return &response;
    }
    return nullptr;
  }

  bool judge_version(const std::string& where, const TlsProbeResult& result,
                     CheckSection& section) {
    const ProbeResponse* response = response_for(result, kVersionPath);
    std::string problem;
    if (response == nullptr || !response->error.empty()) {
      problem = response == nullptr ? "no answer" : response->error;
    } else if (response->status != 200) {
      problem = "answered " + std::to_string(response->status);
    } else {
      boost::system::error_code ec;
      json::value body = json::parse(response->body, ec);
      const json::value* server =
          !ec && body.is_object() ? body.as_object().if_contains("server") : nullptr;
      if (server == nullptr || !server->is_object()) {
        problem = "answered without a \"server\" object";
      } else {
        std::string text;
        for (const char* key : {"name", "version"}) {
          const json::value* part = server->as_object().if_contains(key);
          if (part != nullptr && part->is_string()) text += std::string(part->as_string()) + " ";
        }
        section.ok(std::string(kVersionPath) + ": " + text);
        return true;
      }
    }
    section.fail(std::string(kVersionPath) + ": " + problem);
    report_.fix(std::string(kVersionPath) + " on " + where + ": " + problem +
                ": is this a Matrix homeserver's federation listener (resources: "
                "[{names: [federation]}])?");
    return false;
  }

  bool judge_keys(const std::string& where, const TlsProbeResult& result, CheckSection& section) {
    const ProbeResponse* response = response_for(result, kKeyPath);
    if (response == nullptr || !response->error.empty() || response->status != 200) {
      const std::string problem = response == nullptr ? "no answer"
                                  : !response->error.empty()
                                      ? response->error
                                      : "answered " + std::to_string(response->status);
      section.fail(std::string(kKeyPath) + ": " + problem);
      report_.fix(std::string(kKeyPath) + " on " + where + ": " + problem +
                  ": other servers cannot get its signing keys");
      return false;
    }
    KeyDocumentCheck keys = check_key_document(response->body, name_, now_ms_);
    if (keys.problems.empty()) {
      section.ok(std::string(kKeyPath) + ": keys " + join(keys.key_ids) + " for " +
                 keys.server_name + ", self-signatures verify, valid_until_ts in the future");
      return true;
    }
    for (const std::string& problem : keys.problems) {
      section.fail(std::string(kKeyPath) + ": " + problem);
    }
    if (keys.server_name_wrong) {
      report_.fix("the server at " + where + " calls itself \"" + keys.server_name +
                  "\" in its keys, not \"" + name_ + "\": set server_name: \"" + name_ +
                  "\" in its config, or point " + name_ + "'s delegation at the right server");
    } else {
      report_.fix("the key document at " + where + " is not usable (" + join(keys.problems) + ")");
    }
    return false;
  }

  // -- what to change when nothing works ----------------------------------------------------

  void verdict(bool any_address) {
    if (report_.works) return;
    if (!dns_failure_.empty()) {
      // Nothing else can be judged without answers.
      report_.fix("DNS lookups failed (" + dns_failure_ +
                  "): check the resolver (--dns-server, federation.dns_servers or "
                  "/etc/resolv.conf) and the domain's name servers");
      if (!any_address) return;
    }
    const bool delegated = well_known_ && well_known_->delegated;
    // A server found under the right name has faults of its own (certificate, endpoints), not
    // of discovery.
    if (!delegated && !srv_used_ && well_known_ && !reached_named_server_) {
      // Discovery fell back to <name>:8448 and that did not work: the usual mistake is a server
      // running elsewhere with no delegation published.
      const std::string& reason = well_known_->reason;
      report_.fix("no working /.well-known/matrix/server on https://" + name_ + "/" +
                  (reason.empty() ? "" : " (" + reason + ")") +
                  " and no _matrix-fed._tcp SRV record, so other servers try " + name_ +
                  ":8448: if the homeserver runs on another host or port, serve "
                  "{\"m.server\": \"<host>:<port>\"} at https://" +
                  name_ + "/.well-known/matrix/server (myelin: well_known.server)");
    }
    if (!any_address && !no_address_hosts_.empty()) {
      std::string hosts = join(no_address_hosts_);
      report_.fix("no address for " + hosts + ": publish A/AAAA records for it");
    }
  }

  std::string name_;
  CheckDns& dns_;
  const Prober& probe_;
  std::int64_t now_ms_;
  CheckReport report_;
  std::optional<WellKnownOutcome> well_known_;
  bool srv_used_ = false;
  bool reached_named_server_ = false;
  std::vector<std::string> no_address_hosts_;
  std::string dns_failure_;  // the last lookup error (not "no such name": no answer at all)
};

}  // namespace

CheckReport check_federation(std::string_view server_name, CheckDns& dns, const Prober& probe,
                             std::int64_t now_ms) {
  return Checker(server_name, dns, probe, now_ms).run();
}

}  // namespace myelin::services::federation_check
