#include "services/federation/discovery/well_known_fetch.hpp"

#include <boost/json/parse.hpp>
#include <set>

#include "http/client/url.hpp"
#include "protocol/ids/server_name.hpp"
#include "services/federation/discovery/well_known_cache_policy.hpp"

namespace myelin::services::discovery {

namespace asio = boost::asio;
using http::dns::DnsStatus;

namespace {

WellKnownResult invalid(std::string why) {
  return WellKnownResult{std::nullopt, kWellKnownInvalidCache, std::move(why), false};
}
WellKnownResult down(std::string why) {
  return WellKnownResult{std::nullopt, kWellKnownDownCache, std::move(why), true};
}

// A Location header against the URL it came from: absolute, or an absolute path.
std::optional<std::string> redirect_target(const http::Url& from, const std::string& location) {
  if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0) return location;
  // The authority as the URL had it: an implicit port stays implicit (443, or a test's port).
  if (!location.empty() && location.front() == '/' && location.rfind("//", 0) != 0) {
    return from.scheme + "://" + from.authority() + location;
  }
  return std::nullopt;
}

// Whether the URL's authority names a port ("https://host:8443/..." or "https://[::1]:8443/").
bool has_explicit_port(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return false;
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const std::size_t colon = authority.rfind(':');
  return colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
}

WellKnownResult judge(const http::ClientResponse& response) {
  if (response.status >= 500) return down("answered " + std::to_string(response.status));
  if (response.status != 200) return invalid("answered " + std::to_string(response.status));
  // The spec: "assume that the body is JSON regardless of type".
  boost::system::error_code error;
  boost::json::value document = boost::json::parse(response.body, error);
  if (error || !document.is_object()) return invalid("not a JSON object");
  const boost::json::value* server = document.as_object().if_contains("m.server");
  if (server == nullptr || !server->is_string()) return invalid("no m.server string");
  std::string name(server->as_string());
  if (!ids::ServerName::is_valid(name)) return invalid("m.server is not a server name: " + name);
  const std::optional<std::string> cache_control = response.header("Cache-Control");
  std::optional<std::string_view> header;
  if (cache_control) header = *cache_control;
  return WellKnownResult{std::move(name), well_known_cache_period(header), {}, false};
}

}  // namespace

asio::awaitable<WellKnownResult> fetch_well_known(http::HttpClient& http,
                                                  http::dns::DnsResolver& dns, std::string hostname,
                                                  std::uint16_t https_port) {
  std::string url = "https://" + hostname + "/.well-known/matrix/server";
  std::set<std::string> visited;
  for (int hop = 0; hop <= kWellKnownMaxRedirects; ++hop) {
    if (!visited.insert(url).second) co_return invalid("redirect loop at " + url);
    std::optional<http::Url> parsed = http::parse_url(url);
    // Only https: the document decides where our signed requests go.
    if (!parsed || !parsed->tls()) co_return invalid("redirected to a non-https URL: " + url);
    const std::uint16_t port = has_explicit_port(url) ? parsed->port : https_port;
    http::ClientRequest request;
    request.url = url;
    request.headers = {{"Accept", "application/json"}};
    std::string host = parsed->host;
    auto found = co_await dns.addresses(host);
    if (found.status != DnsStatus::kFound) {
      co_return down("no address for " + host +
                     (found.error.empty() ? std::string() : ": " + found.error));
    }
    for (const auto& address : found.records) {
      request.connect_to.push_back({address.to_string(), port});
    }
    std::optional<http::ClientResponse> response;
    std::string failure;
    try {
      response.emplace(co_await http.send(std::move(request)));
    } catch (const http::HttpClientError& e) {
      failure = e.what();
    }
    if (!response) co_return down(failure);
    if (response->status >= 300 && response->status < 400 && response->status != 304) {
      const std::optional<std::string> location = response->header("Location");
      std::optional<std::string> next;
      if (location) next = redirect_target(*parsed, *location);
      if (!next) co_return invalid("a redirect without a usable Location");
      url = *next;
      continue;
    }
    co_return judge(*response);
  }
  co_return invalid("more than " + std::to_string(kWellKnownMaxRedirects) + " redirects");
}

}  // namespace myelin::services::discovery
