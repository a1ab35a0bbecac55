#include "http/client/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <tuple>

#include "http/client/connection.hpp"
#include "http/client/connection_pool.hpp"
#include "http/client/url.hpp"

namespace myelin::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

[[noreturn]] void fail(const std::string& what, const error_code& ec) {
  if (ec == beast::error::timeout) throw HttpClientError(what + ": timed out");
  throw HttpClientError(what + ": " + ec.message());
}

bhttp::request<bhttp::string_body> build_request(const ClientRequest& request, const Url& url,
                                                 bool keep_alive) {
  bhttp::request<bhttp::string_body> out;
  out.method_string(request.method);
  out.target(url.target);
  out.version(11);
  out.set(bhttp::field::host, url.authority());
  out.set(bhttp::field::user_agent, "myelin");
  // HTTP/1.1 keeps connections open unless told otherwise.
  if (!keep_alive) out.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) {
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      throw HttpClientError("invalid header " + name);
    }
    out.set(name, value);
  }
  out.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    out.prepare_payload();
  }
  return out;
}

ClientResponse to_response(bhttp::response<bhttp::string_body>&& in) {
  ClientResponse out;
  out.status = static_cast<int>(in.result_int());
  for (const auto& field : in) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  return out;
}

bool is_ip_literal(const std::string& host) {
  error_code not_literal;
  asio::ip::make_address(host, not_literal);
  return !not_literal;
}

// What a request needs to reach its server, decided before any connection is made.
struct Destination {
  bool tls = false;
  std::string tls_name;
  std::vector<asio::ip::tcp::endpoint> endpoints;

  std::string key(const asio::ip::tcp::endpoint& endpoint) const {
    return std::string(tls ? "https " : "http ") + endpoint.address().to_string() + " " +
           std::to_string(endpoint.port()) + " " + tls_name;
  }
};

// The request went out on a pooled connection that turned out dead (closed by the server
// while idle): nothing reached the server, so a new connection may safely carry it.
struct StaleConnection {};

struct Exchanged {
  ClientResponse response;
  std::unique_ptr<Connection> reusable;  // null: the connection is done
};

// Writes the request and reads the response on an established connection, on its strand.
asio::awaitable<Exchanged> exchange(std::unique_ptr<Connection> connection,
                                    bhttp::request<bhttp::string_body> request,
                                    const HttpClientOptions& options, bool reused) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  beast::tcp_stream& tcp = connection->tcp();
  tcp.expires_after(options.read_timeout);
  error_code write_error;
  if (connection->tls) {
    std::tie(write_error, std::ignore) =
        co_await bhttp::async_write(*connection->tls, request, kNoThrow);
  } else {
    std::tie(write_error, std::ignore) =
        co_await bhttp::async_write(*connection->plain, request, kNoThrow);
  }
  if (write_error && reused) throw StaleConnection{};
  if (write_error) fail("sending the request", write_error);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_body_size);
  parser.header_limit(64 * 1024);
  error_code read_error;
  if (connection->tls) {
    std::tie(read_error, std::ignore) =
        co_await bhttp::async_read(*connection->tls, connection->buffer, parser, kNoThrow);
  } else {
    std::tie(read_error, std::ignore) =
        co_await bhttp::async_read(*connection->plain, connection->buffer, parser, kNoThrow);
  }
  if (read_error == bhttp::error::body_limit) {
    throw HttpClientError("the response body exceeds " + std::to_string(options.max_body_size) +
                          " bytes");
  }
  // A pooled connection closed by the server just as we wrote: not a word of an answer came.
  const bool nothing_read = !parser.got_some();
  if (read_error && reused && nothing_read &&
      (read_error == bhttp::error::end_of_stream || read_error == asio::error::eof ||
       read_error == asio::error::connection_reset)) {
    throw StaleConnection{};
  }
  if (read_error) fail("reading the response", read_error);
  const bool keep = request.keep_alive() && parser.get().keep_alive();
  Exchanged out{to_response(parser.release()), nullptr};
  tcp.expires_never();
  if (keep) {
    out.reusable = std::move(connection);
  } else {
    // No close_notify exchange: the response was complete by its own framing, and a peer that
    // never answers close_notify would hold us until the time-out.
    error_code ignored;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  }
  co_return out;
}

// TCP, then TLS for https, to one endpoint; throws HttpClientError.
asio::awaitable<std::unique_ptr<Connection>> connect_one(asio::ip::tcp::endpoint endpoint,
                                                         const Destination& destination,
                                                         asio::ssl::context& tls,
                                                         const HttpClientOptions& options) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  auto strand = co_await asio::this_coro::executor;
  auto connection = std::make_unique<Connection>(
      asio::strand<asio::any_io_executor>(asio::any_io_executor(strand)));
  connection->key = destination.key(endpoint);
  const std::string where =
      endpoint.address().to_string() + " port " + std::to_string(endpoint.port());
  auto tcp = std::make_unique<beast::tcp_stream>(strand);
  tcp->expires_after(options.connect_timeout);
  auto [connect_error] = co_await tcp->async_connect(endpoint, kNoThrow);
  if (connect_error) fail("connecting to " + where, connect_error);
  if (!destination.tls) {
    connection->plain = std::move(tcp);
    co_return connection;
  }
  connection->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*tcp), tls);
  auto& stream = *connection->tls;
  // SNI, so a server hosting several names presents the right certificate; IP literals are not
  // sent as SNI (RFC 6066, section 3).
  if (!is_ip_literal(destination.tls_name)) {
    SSL_set_tlsext_host_name(stream.native_handle(), destination.tls_name.c_str());
  }
  if (options.verify_certificates) {
    stream.set_verify_mode(asio::ssl::verify_peer);
    // Names and IP literals alike (an IP literal must be in the certificate's IP SANs).
    stream.set_verify_callback(asio::ssl::host_name_verification(destination.tls_name));
  } else {
    stream.set_verify_mode(asio::ssl::verify_none);
  }
  beast::get_lowest_layer(stream).expires_after(options.connect_timeout);
  auto [handshake_error] =
      co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_error) {
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK) {
      throw HttpClientError("the TLS certificate at " + where + " is not trusted for " +
                            destination.tls_name + " (" + X509_verify_cert_error_string(verify) +
                            ")");
    }
    fail("TLS handshake with " + where, handshake_error);
  }
  co_return connection;
}

// A new connection to the first endpoint that accepts one, then the exchange on it.
asio::awaitable<Exchanged> connect_and_exchange(Destination destination,
                                                bhttp::request<bhttp::string_body> request,
                                                asio::ssl::context& tls,
                                                const HttpClientOptions& options) {
  std::string errors;
  std::unique_ptr<Connection> connection;
  for (const asio::ip::tcp::endpoint& endpoint : destination.endpoints) {
    std::string error;
    try {
      connection = co_await connect_one(endpoint, destination, tls, options);
    } catch (const HttpClientError& e) {
      error = e.what();
    }
    if (connection) break;
    errors += (errors.empty() ? "" : "; ") + error;
  }
  if (!connection) throw HttpClientError(errors.empty() ? "no address to connect to" : errors);
  Exchanged out = co_await exchange(std::move(connection), std::move(request), options, false);
  co_return out;
}

asio::awaitable<Exchanged> exchange_reused(std::unique_ptr<Connection> connection,
                                           bhttp::request<bhttp::string_body> request,
                                           const HttpClientOptions& options) {
  Exchanged out = co_await exchange(std::move(connection), std::move(request), options, true);
  co_return out;
}

}  // namespace

std::optional<std::string> ClientResponse::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (iequal(field, name)) return value;
  }
  return std::nullopt;
}

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)),
      tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)),
      pool_(std::make_unique<ConnectionPool>(options_.max_idle_per_host, options_.max_idle_total,
                                             options_.idle_timeout)) {
  tls_->set_default_verify_paths();
  for (const std::string& file : options_.trusted_ca_files) {
    error_code ec;
    tls_->load_verify_file(file, ec);
    if (ec) throw std::runtime_error("cannot load trusted CA file " + file + ": " + ec.message());
  }
  tls_->set_verify_mode(options_.verify_certificates ? asio::ssl::verify_peer
                                                     : asio::ssl::verify_none);
  // TLS 1.2 at least: older versions are broken (RFC 8996).
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const { return pool_->size(); }

asio::awaitable<ClientResponse> HttpClient::send(ClientRequest request) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  std::optional<Url> url = parse_url(request.url);
  if (!url) throw HttpClientError("not an http(s) URL: " + request.url);
  const bool pooling = options_.max_idle_per_host > 0;
  bhttp::request<bhttp::string_body> message = build_request(request, *url, pooling);

  Destination destination;
  destination.tls = url->tls();
  destination.tls_name = request.tls_name.empty() ? url->host : request.tls_name;
  auto executor = co_await asio::this_coro::executor;
  if (request.connect_to.empty()) {
    asio::ip::tcp::resolver resolver(executor);
    const std::string service = std::to_string(url->port);
    auto [resolve_error, results] = co_await resolver.async_resolve(url->host, service, kNoThrow);
    if (resolve_error) fail("resolving " + url->host, resolve_error);
    for (const auto& entry : results) destination.endpoints.push_back(entry.endpoint());
  } else {
    for (const ConnectAddress& address : request.connect_to) {
      error_code bad;
      auto ip = asio::ip::make_address(address.ip, bad);
      if (bad) throw HttpClientError("not an IP address: " + address.ip);
      destination.endpoints.emplace_back(ip, address.port);
    }
  }

  if (pooling) {
    for (const auto& endpoint : destination.endpoints) {
      std::unique_ptr<Connection> idle = pool_->take(destination.key(endpoint));
      if (!idle) continue;
      auto strand = idle->strand;
      auto reuse = exchange_reused(std::move(idle), message, options_);
      bool stale = false;
      std::optional<Exchanged> done;
      try {
        done.emplace(co_await asio::co_spawn(strand, std::move(reuse), asio::use_awaitable));
      } catch (const StaleConnection&) {
        stale = true;
      }
      if (stale) break;  // a new connection below
      if (done->reusable) pool_->put(std::move(done->reusable));
      co_return std::move(done->response);
    }
  }

  // A strand per connection: the stream's timer and its operations never run concurrently.
  auto strand = asio::make_strand(executor);
  auto fresh = connect_and_exchange(std::move(destination), std::move(message), *tls_, options_);
  Exchanged done = co_await asio::co_spawn(strand, std::move(fresh), asio::use_awaitable);
  if (done.reusable && pooling) pool_->put(std::move(done.reusable));
  co_return std::move(done.response);
}

asio::awaitable<boost::json::value> HttpClient::get_json(std::string url, HeaderFields headers) {
  headers.emplace_back("Accept", "application/json");
  ClientRequest request{.method = "GET", .url = url, .headers = std::move(headers), .body = {}};
  ClientResponse response = co_await send(std::move(request));
  if (response.status < 200 || response.status > 299) {
    throw HttpClientError("GET " + url + " answered " + std::to_string(response.status));
  }
  error_code ec;
  boost::json::value value = boost::json::parse(response.body, ec);
  if (ec) throw HttpClientError("GET " + url + " did not answer JSON");
  co_return value;
}

std::string form_encode(const HeaderFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

}  // namespace myelin::http
