#include "services/email/smtp_connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <tuple>
#include <variant>

#include "services/email/smtp_client.hpp"

namespace myelin::services {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using boost::system::error_code;

namespace {

// 64 KiB: far beyond any reply line RFC 5321 allows (512 octets), so a server that never
// ends its line cannot make us buffer without bound.
constexpr std::size_t kMaxBuffered = 64 * 1024;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

[[noreturn]] void fail_transient(const std::string& what, const error_code& ec) {
  throw SmtpError(SmtpFailure::kUnreachable, what + ": " + ec.message());
}

}  // namespace

SmtpConnection::SmtpConnection(asio::any_io_executor executor, asio::ssl::context& tls,
                               std::chrono::milliseconds timeout)
    : stream_(executor, tls), timer_(executor), buffer_(kMaxBuffered), timeout_(timeout) {}

asio::awaitable<void> SmtpConnection::connect(std::string host, std::uint16_t port) {
  asio::ip::tcp::resolver resolver(stream_.get_executor());
  const std::string service = std::to_string(port);
  timer_.expires_after(timeout_);
  auto resolved =
      co_await (resolver.async_resolve(host, service, kNoThrow) || timer_.async_wait(kNoThrow));
  if (resolved.index() == 1)
    throw SmtpError(SmtpFailure::kUnreachable, "timed out resolving " + host);
  auto [resolve_error, endpoints] = std::get<0>(std::move(resolved));
  if (resolve_error) fail_transient("cannot resolve " + host, resolve_error);

  timer_.expires_after(timeout_);
  auto connected = co_await (asio::async_connect(stream_.next_layer(), endpoints, kNoThrow) ||
                             timer_.async_wait(kNoThrow));
  if (connected.index() == 1)
    throw SmtpError(SmtpFailure::kUnreachable, "timed out connecting to " + host);
  auto [connect_error, endpoint] = std::get<0>(connected);
  if (connect_error) {
    fail_transient("cannot connect to " + host + ":" + std::to_string(port), connect_error);
  }
}

asio::awaitable<void> SmtpConnection::start_tls(std::string host) {
  if (buffer_.size() != 0) {
    // Bytes sent before the handshake would be taken as if they came encrypted (the STARTTLS
    // command-injection problem, CVE-2011-0411 and kin).
    throw SmtpError(SmtpFailure::kInsecure, "the mail server sent data before the TLS handshake");
  }
  // SNI, so a relay serving several names presents the right certificate.
  SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
  stream_.set_verify_mode(asio::ssl::verify_peer);
  stream_.set_verify_callback(asio::ssl::host_name_verification(host));
  timer_.expires_after(timeout_);
  auto done = co_await (stream_.async_handshake(asio::ssl::stream_base::client, kNoThrow) ||
                        timer_.async_wait(kNoThrow));
  if (done.index() == 1)
    throw SmtpError(SmtpFailure::kUnreachable, "timed out in the TLS handshake with " + host);
  auto [ec] = std::get<0>(done);
  if (ec) {
    const long verify = SSL_get_verify_result(stream_.native_handle());
    if (verify != X509_V_OK) {
      throw SmtpError(SmtpFailure::kInsecure,
                      "the mail server's TLS certificate is not trusted (" +
                          std::string(X509_verify_cert_error_string(verify)) + ")");
    }
    throw SmtpError(SmtpFailure::kInsecure,
                    "TLS handshake with the mail server failed: " + ec.message());
  }
  encrypted_ = true;
}

asio::awaitable<std::string> SmtpConnection::read_line() {
  timer_.expires_after(timeout_);
  using ReadResult = std::variant<std::tuple<error_code, std::size_t>, std::tuple<error_code>>;
  ReadResult read;
  if (encrypted_) {
    read = co_await (asio::async_read_until(stream_, buffer_, "\r\n", kNoThrow) ||
                     timer_.async_wait(kNoThrow));
  } else {
    read = co_await (asio::async_read_until(stream_.next_layer(), buffer_, "\r\n", kNoThrow) ||
                     timer_.async_wait(kNoThrow));
  }
  if (read.index() == 1)
    throw SmtpError(SmtpFailure::kUnreachable, "timed out waiting for the mail server");
  auto [ec, size] = std::get<0>(read);
  if (ec) fail_transient("the mail server closed the connection", ec);
  std::string line(size - 2, '\0');
  std::istream in(&buffer_);
  in.read(line.data(), static_cast<std::streamsize>(line.size()));
  buffer_.consume(2);
  co_return line;
}

asio::awaitable<smtp::Reply> SmtpConnection::read_reply() {
  smtp::ReplyParser parser;
  for (;;) {
    std::string line = co_await read_line();
    std::optional<smtp::Reply> reply;
    try {
      reply = parser.feed(line);
    } catch (const std::runtime_error& e) {
      throw SmtpError(SmtpFailure::kRefused, e.what());
    }
    if (reply) co_return std::move(*reply);
  }
}

asio::awaitable<void> SmtpConnection::write(std::string data) {
  timer_.expires_after(timeout_);
  using WriteResult = std::variant<std::tuple<error_code, std::size_t>, std::tuple<error_code>>;
  WriteResult written;
  if (encrypted_) {
    written = co_await (asio::async_write(stream_, asio::buffer(data), kNoThrow) ||
                        timer_.async_wait(kNoThrow));
  } else {
    written = co_await (asio::async_write(stream_.next_layer(), asio::buffer(data), kNoThrow) ||
                        timer_.async_wait(kNoThrow));
  }
  if (written.index() == 1)
    throw SmtpError(SmtpFailure::kUnreachable, "timed out writing to the mail server");
  auto [ec, size] = std::get<0>(written);
  if (ec) fail_transient("cannot write to the mail server", ec);
}

asio::awaitable<smtp::Reply> SmtpConnection::command(std::string line) {
  line += "\r\n";
  co_await write(std::move(line));
  co_return co_await read_reply();
}

void SmtpConnection::close() {
  error_code ignored;
  stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.next_layer().close(ignored);
}

}  // namespace myelin::services
