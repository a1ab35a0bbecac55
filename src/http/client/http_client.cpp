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

bhttp::request<bhttp::string_body> build_request(const ClientRequest& request, const Url& url) {
  bhttp::request<bhttp::string_body> out;
  out.method_string(request.method);
  out.target(url.target);
  out.version(11);
  out.set(bhttp::field::host, url.authority());
  out.set(bhttp::field::user_agent, "myelin");
  out.set(bhttp::field::connection, "close");
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

// Writes the request and reads the response on an established stream; the caller armed the
// time-out on the underlying tcp_stream.
template <typename Stream>
asio::awaitable<ClientResponse> exchange(Stream& stream, beast::tcp_stream& tcp,
                                         bhttp::request<bhttp::string_body> request,
                                         const HttpClientOptions& options) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  tcp.expires_after(options.read_timeout);
  auto [write_error, written] = co_await bhttp::async_write(stream, request, kNoThrow);
  if (write_error) fail("sending the request", write_error);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_body_size);
  parser.header_limit(64 * 1024);
  auto [read_error, read] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
  if (read_error == bhttp::error::body_limit) {
    throw HttpClientError("the response body exceeds " + std::to_string(options.max_body_size) +
                          " bytes");
  }
  if (read_error) fail("reading the response", read_error);
  co_return to_response(parser.release());
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
      tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {
  tls_->set_default_verify_paths();
  for (const std::string& file : options_.trusted_ca_files) {
    error_code ec;
    tls_->load_verify_file(file, ec);
    if (ec) throw std::runtime_error("cannot load trusted CA file " + file + ": " + ec.message());
  }
  tls_->set_verify_mode(asio::ssl::verify_peer);
  // TLS 1.2 at least: older versions are broken (RFC 8996).
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
}

HttpClient::~HttpClient() = default;

asio::awaitable<ClientResponse> HttpClient::send(ClientRequest request) {
  auto executor = co_await asio::this_coro::executor;
  // A strand per request: the stream's timer and its operations never run concurrently.
  auto strand = asio::make_strand(executor);
  auto one = send_on_strand(std::move(request));
  ClientResponse response = co_await asio::co_spawn(strand, std::move(one), asio::use_awaitable);
  co_return response;
}

asio::awaitable<ClientResponse> HttpClient::send_on_strand(ClientRequest request) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  std::optional<Url> url = parse_url(request.url);
  if (!url) throw HttpClientError("not an http(s) URL: " + request.url);
  bhttp::request<bhttp::string_body> message = build_request(request, *url);

  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream tcp(executor);
  tcp.expires_after(options_.connect_timeout);
  const std::string service = std::to_string(url->port);
  auto [resolve_error, endpoints] = co_await resolver.async_resolve(url->host, service, kNoThrow);
  if (resolve_error) fail("resolving " + url->host, resolve_error);
  auto [connect_error, endpoint] = co_await tcp.async_connect(endpoints, kNoThrow);
  if (connect_error) fail("connecting to " + url->authority(), connect_error);

  if (!url->tls()) {
    ClientResponse response = co_await exchange(tcp, tcp, std::move(message), options_);
    error_code ignored;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return response;
  }

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), *tls_);
  // SNI, so a server hosting several names presents the right certificate; IP literals are not
  // sent as SNI (RFC 6066, section 3).
  error_code address_error;
  asio::ip::make_address(url->host, address_error);
  if (address_error) SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str());
  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
  beast::get_lowest_layer(stream).expires_after(options_.connect_timeout);
  auto [handshake_error] =
      co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_error) {
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK) {
      throw HttpClientError("the TLS certificate of " + url->host + " is not trusted (" +
                            X509_verify_cert_error_string(verify) + ")");
    }
    fail("TLS handshake with " + url->host, handshake_error);
  }
  ClientResponse response =
      co_await exchange(stream, beast::get_lowest_layer(stream), std::move(message), options_);
  // No close_notify exchange: the response was complete by its own framing, and a peer that
  // never answers close_notify would hold us until the time-out.
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return response;
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
