#include "services/federation/check/tls_probe.hpp"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <stdexcept>

namespace myelin::services::federation_check {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

// Discovery documents and key sets are small; anything bigger is not what we asked for.
constexpr std::size_t kBodyLimit = 1024 * 1024;

std::string error_text(const error_code& ec) {
  return ec == beast::error::timeout ? std::string("timed out") : ec.message();
}

bool is_ip(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string time_text(const ASN1_TIME* time) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASN1_TIME_print(bio.get(), time);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string name_text(const X509_NAME* name) {
  char buffer[512] = {};
  X509_NAME_oneline(name, buffer, sizeof buffer);
  return buffer;
}

std::vector<std::string> certificate_names(X509* cert) {
  std::vector<std::string> names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(sans, i);
    if (entry->type == GEN_DNS) {
      const ASN1_STRING* dns = entry->d.dNSName;
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                         static_cast<std::size_t>(ASN1_STRING_length(dns)));
    } else if (entry->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = entry->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int family = ASN1_STRING_length(ip) == 16 ? AF_INET6 : AF_INET;
      inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text);
      names.emplace_back(text);
    }
  }
  if (sans != nullptr) GENERAL_NAMES_free(sans);
  if (names.empty()) {  // no subjectAltName: only then does the CN name the host
    char cn[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn) > 0) {
      names.emplace_back(cn);
    }
  }
  return names;
}

void inspect_certificate(SSL* ssl, const std::string& tls_name, TlsProbeResult& out) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), X509_free);
  if (!cert) {
    out.verify_error = "no certificate presented";
    return;
  }
  const long verify = SSL_get_verify_result(ssl);
  out.chain_verified = verify == X509_V_OK;
  if (!out.chain_verified) out.verify_error = X509_verify_cert_error_string(verify);
  out.self_signed = verify == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
                    (!out.chain_verified && X509_check_issued(cert.get(), cert.get()) == X509_V_OK);
  out.expired = X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0;
  out.not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0;
  out.not_after = time_text(X509_get0_notAfter(cert.get()));
  out.subject = name_text(X509_get_subject_name(cert.get()));
  out.issuer = name_text(X509_get_issuer_name(cert.get()));
  out.names = certificate_names(cert.get());
  out.name_matches = is_ip(tls_name) ? X509_check_ip_asc(cert.get(), tls_name.c_str(), 0) == 1
                                     : X509_check_host(cert.get(), tls_name.data(), tls_name.size(),
                                                       0, nullptr) == 1;
}

// One connection: TCP, TLS, then GET `path` when one is given. Fills the connection facts of
// `out` only when `inspect` (the first connection).
asio::awaitable<void> one_connection(const ProbeTarget& target, const std::string* path,
                                     asio::ssl::context& tls, std::chrono::milliseconds timeout,
                                     bool inspect, TlsProbeResult& out) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream tcp(executor);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(target.address), target.port);
  tcp.expires_after(timeout);
  auto [connect_error] = co_await tcp.async_connect(endpoint, kNoThrow);
  ProbeResponse response;
  if (path != nullptr) response.path = *path;
  if (connect_error) {
    if (inspect) {
      out.connect_error = error_text(connect_error);
      out.refused = connect_error == asio::error::connection_refused;
    }
    response.error = "connecting: " + error_text(connect_error);
    if (path != nullptr) out.responses.push_back(std::move(response));
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), tls);
  if (!is_ip(target.tls_name)) {
    SSL_set_tlsext_host_name(stream.native_handle(), target.tls_name.c_str());
  }
  // Every certificate is let through the handshake and judged afterwards, so that one probe
  // reports all of its faults.
  stream.set_verify_mode(asio::ssl::verify_none);
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [handshake_error] =
      co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_error) {
    if (inspect) out.handshake_error = error_text(handshake_error);
    response.error = "TLS handshake: " + error_text(handshake_error);
    if (path != nullptr) out.responses.push_back(std::move(response));
    co_return;
  }
  if (inspect) inspect_certificate(stream.native_handle(), target.tls_name, out);
  if (path == nullptr) co_return;

  bhttp::request<bhttp::string_body> request{bhttp::verb::get, *path, 11};
  request.set(bhttp::field::host, target.host_header);
  request.set(bhttp::field::user_agent, "myelin federation check");
  request.set(bhttp::field::accept, "application/json");
  request.set(bhttp::field::connection, "close");
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [write_error, written] = co_await bhttp::async_write(stream, request, kNoThrow);
  if (write_error) {
    response.error = "sending: " + error_text(write_error);
    out.responses.push_back(std::move(response));
    co_return;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kBodyLimit);
  auto [read_error, read] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
  if (read_error) {
    response.error = "reading: " + error_text(read_error);
    out.responses.push_back(std::move(response));
    co_return;
  }
  auto message = parser.release();
  response.status = static_cast<int>(message.result_int());
  response.body = std::move(message.body());
  if (auto location = message.find(bhttp::field::location); location != message.end()) {
    response.location = std::string(location->value());
  }
  out.responses.push_back(std::move(response));
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> probe(const ProbeTarget& target, const std::vector<std::string>& paths,
                            asio::ssl::context& tls, std::chrono::milliseconds timeout,
                            TlsProbeResult& out) {
  if (paths.empty()) {
    co_await one_connection(target, nullptr, tls, timeout, true, out);
    co_return;
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    co_await one_connection(target, &paths[i], tls, timeout, i == 0, out);
    if (!out.handshake_ok()) co_return;  // the port or TLS is the problem: no point asking more
  }
}

}  // namespace

TlsProbeResult probe_https(const ProbeTarget& target, const std::vector<std::string>& paths,
                           const ProbeOptions& options) {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  for (const std::string& file : options.ca_files) {
    error_code ec;
    tls.load_verify_file(file, ec);
    if (ec) throw std::runtime_error("cannot load CA file " + file + ": " + ec.message());
  }
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  TlsProbeResult result;
  asio::io_context io;
  auto done =
      asio::co_spawn(io, probe(target, paths, tls, options.timeout, result), asio::use_future);
  io.run();
  done.get();
  return result;
}

}  // namespace myelin::services::federation_check
