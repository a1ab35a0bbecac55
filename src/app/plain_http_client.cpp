#include "app/plain_http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

namespace myelin::app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

Expected<BaseUrl> parse_base_url(std::string_view url) {
  BaseUrl base;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return fail("not a URL: " + std::string(url));
  base.scheme = std::string(url.substr(0, scheme_end));
  for (char& c : base.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (base.scheme != "http" && base.scheme != "https") {
    return fail("unsupported URL scheme \"" + base.scheme + "\" (use http:// or https://)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) {
    std::string_view path = rest.substr(path_start);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    base.path_prefix = std::string(path);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in " + std::string(url));
    base.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("bad host in " + std::string(url));
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    base.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (base.host.empty()) return fail("no host in " + std::string(url));
  if (port.empty()) {
    base.port = base.scheme == "https" ? "443" : "80";
  } else {
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535) {
      return fail("bad port in " + std::string(url));
    }
    base.port = std::string(port);
  }
  return base;
}

Expected<HttpReply> http_request(const BaseUrl& base, std::string_view method,
                                 std::string_view path, std::string_view body,
                                 std::chrono::seconds timeout) {
  if (base.scheme != "http") {
    return fail(
        "https is not supported by this tool; use the server's plain http listener "
        "(e.g. http://localhost:8008)");
  }
  asio::io_context io;
  beast::tcp_stream stream(io);
  bhttp::request<bhttp::string_body> request;
  request.method_string(method);
  request.target(base.path_prefix + std::string(path));
  request.version(11);
  const bool v6 = base.host.find(':') != std::string::npos;
  request.set(bhttp::field::host, (v6 ? "[" + base.host + "]" : base.host) + ":" + base.port);
  request.set(bhttp::field::user_agent, "myelin-cli");
  request.set(bhttp::field::connection, "close");
  if (!body.empty()) {
    request.set(bhttp::field::content_type, "application/json");
    request.body() = std::string(body);
  }
  request.prepare_payload();

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  std::string failure;
  tcp::resolver resolver(io);
  // Every step is asynchronous only so that one deadline covers resolving, connecting, writing
  // and reading; io.run() returns when the exchange ends either way.
  resolver.async_resolve(
      base.host, base.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) {
          failure = "cannot resolve " + base.host + ": " + ec.message();
          return;
        }
        stream.expires_after(timeout);
        stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
          if (ec) {
            failure = "cannot connect to " + base.host + ":" + base.port + ": " + ec.message();
            return;
          }
          bhttp::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
            if (ec) {
              failure = "sending the request failed: " + ec.message();
              return;
            }
            bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
              if (ec) failure = "reading the response failed: " + ec.message();
            });
          });
        });
      });
  io.run();
  if (!failure.empty()) return fail(failure);
  HttpReply reply;
  reply.status = parser.get().result_int();
  reply.body = std::move(parser.get().body());
  return reply;
}

}  // namespace myelin::app
