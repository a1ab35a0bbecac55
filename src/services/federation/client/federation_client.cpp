#include "services/federation/client/federation_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/log.hpp"
#include "protocol/federation/x_matrix.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Idle keep-alive connections per remote address and how long they are kept: Synapse's
// federation pool (5 per host, 2 minutes). Connections a server dropped meanwhile are noticed
// and replaced by HttpClient.
constexpr std::size_t kIdlePerHost = 5;
constexpr std::size_t kIdleTotal = 512;
constexpr std::chrono::minutes kIdleTimeout{2};

http::HttpClientOptions http_options(const FederationClientOptions& options) {
  http::HttpClientOptions out;
  out.trusted_ca_files = options.trusted_ca_files;
  out.verify_certificates = options.verify_certificates;
  out.connect_timeout = options.connect_timeout;
  out.read_timeout = options.request_timeout;
  out.max_body_size = options.max_response_size;
  out.max_idle_per_host = kIdlePerHost;
  out.max_idle_total = kIdleTotal;
  out.idle_timeout = kIdleTimeout;
  return out;
}

discovery::ServerResolverOptions resolver_options(const FederationClientOptions& options) {
  discovery::ServerResolverOptions out;
  out.trusted_ca_files = options.trusted_ca_files;
  out.verify_certificates = options.verify_certificates;
  out.well_known_timeout = options.connect_timeout;
  out.well_known_port = options.well_known_port;
  out.now_ms = options.now_ms;
  return out;
}

FederationClientOptions warn_if_unverified(FederationClientOptions options) {
  if (!options.verify_certificates) {
    log::warn("federation",
              "federation.verify_certificates is false: certificates of other servers are NOT "
              "checked. Anyone on the network path can impersonate any server. Development "
              "only — never run a public server like this.");
  }
  return options;
}

// The remote error's errcode and text, when the body is a JSON object.
std::optional<std::pair<std::string, std::string>> matrix_error_of(const std::string& body) {
  boost::system::error_code error;
  json::value parsed = json::parse(body, error);
  if (error || !parsed.is_object()) return std::nullopt;
  const json::object& object = parsed.as_object();
  std::string errcode;
  std::string message;
  if (const json::value* code = object.if_contains("errcode"); code && code->is_string()) {
    errcode = std::string(code->as_string());
  }
  if (const json::value* text = object.if_contains("error"); text && text->is_string()) {
    message = std::string(text->as_string());
  }
  return std::make_pair(std::move(errcode), std::move(message));
}

// A log-safe excerpt of a remote text: it may be anything.
std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 200;
  std::string out(text.substr(0, kMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text.size() > kMax ? out + "…" : out;
}

}  // namespace

FederationClientOptions federation_client_options(const config::Config& config,
                                                  const crypto::SigningKey& signing_key) {
  FederationClientOptions out(config.server_name, signing_key);
  out.dns_servers = config.federation.dns_servers;
  out.trusted_ca_files = config.trusted_ca_files;
  out.verify_certificates = config.federation.verify_certificates;
  return out;
}

FederationClient::FederationClient(FederationClientOptions options)
    : options_(warn_if_unverified(std::move(options))),
      dns_(http::dns::DnsResolverOptions{.servers = options_.dns_servers,
                                         .timeout = std::chrono::milliseconds(5'000)}),
      resolver_(dns_, resolver_options(options_)),
      http_(http_options(options_)) {}

FederationClient::~FederationClient() = default;

asio::awaitable<json::value> FederationClient::request(std::string destination, std::string method,
                                                       std::string path,
                                                       std::optional<json::value> body) {
  json::value answer = co_await send(std::move(destination), std::move(method), std::move(path),
                                     std::move(body), true);
  co_return answer;
}

asio::awaitable<json::value> FederationClient::request_unsigned(std::string destination,
                                                                std::string method,
                                                                std::string path,
                                                                std::optional<json::value> body) {
  json::value answer = co_await send(std::move(destination), std::move(method), std::move(path),
                                     std::move(body), false);
  co_return answer;
}

asio::awaitable<discovery::ResolvedServer> FederationClient::resolve(std::string destination) {
  discovery::ResolvedServer server = co_await resolver_.resolve(std::move(destination));
  co_return server;
}

asio::awaitable<json::value> FederationClient::send(std::string destination, std::string method,
                                                    std::string path,
                                                    std::optional<json::value> body, bool sign) {
  const std::string what = method + " " + destination + path;
  if (path.empty() || path.front() != '/') throw FederationUnreachable(what + ": bad path");

  std::optional<discovery::ResolvedServer> server;
  std::string discovery_error;
  try {
    server.emplace(co_await resolver_.resolve(destination));
  } catch (const discovery::DiscoveryError& e) {
    discovery_error = e.what();
  }
  if (!server) throw FederationUnreachable(what + ": " + discovery_error);

  http::ClientRequest request;
  request.method = method;
  request.url = "https://" + server->host_header + path;
  request.connect_to = server->addresses;
  request.tls_name = server->tls_name;
  // The Host header exactly as discovery decided (the URL would drop an explicit ":443").
  request.headers = {{"Host", server->host_header}, {"Accept", "application/json"}};
  if (body) {
    request.body = json::serialize(*body);
    request.headers.emplace_back("Content-Type", "application/json");
  }
  if (sign) {
    ::myelin::federation::SignedRequest signed_request{.method = method,
                                                       .uri = path,
                                                       .origin = options_.origin,
                                                       .destination = destination,
                                                       .content = body};
    request.headers.emplace_back("Authorization", ::myelin::federation::authorization_header(
                                                      signed_request, options_.signing_key));
  }

  std::optional<http::ClientResponse> response;
  std::string failure;
  try {
    response.emplace(co_await http_.send(std::move(request)));
  } catch (const http::HttpClientError& e) {
    failure = e.what();
  }
  if (!response) throw FederationUnreachable(what + ": " + failure);

  if (response->status >= 200 && response->status <= 299) {
    boost::system::error_code error;
    json::value parsed = json::parse(response->body, error);
    if (error) throw FederationUnreachable(what + ": the answer is not JSON");
    co_return parsed;
  }
  const auto matrix_error = matrix_error_of(response->body);
  if (!matrix_error && response->status >= 500) {
    throw FederationUnreachable(what + ": answered " + std::to_string(response->status) +
                                " without a JSON body");
  }
  const std::string errcode = matrix_error ? matrix_error->first : std::string();
  const std::string message = matrix_error ? matrix_error->second : response->body;
  throw FederationRequestError(response->status, errcode,
                               what + ": answered " + std::to_string(response->status) + " " +
                                   errcode + " " + excerpt(message));
}

}  // namespace myelin::services
