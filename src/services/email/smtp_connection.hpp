#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "services/email/smtp_protocol.hpp"

namespace myelin::services {

// One TCP connection to an SMTP server that may switch to TLS (STARTTLS) or start with it.
// Every operation has a time-out. Failures throw SmtpError (transient for network trouble and
// time-outs, permanent for TLS verification). Used by one coroutine at a time, on a strand.
class SmtpConnection {
 public:
  SmtpConnection(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls,
                 std::chrono::milliseconds timeout);

  boost::asio::awaitable<void> connect(std::string host, std::uint16_t port);
  // TLS over the connection, verifying the certificate chain and that it names `host`.
  boost::asio::awaitable<void> start_tls(std::string host);
  bool encrypted() const { return encrypted_; }

  boost::asio::awaitable<smtp::Reply> read_reply();
  // Sends `line` + CRLF and reads the reply.
  boost::asio::awaitable<smtp::Reply> command(std::string line);
  boost::asio::awaitable<void> write(std::string data);
  // Best effort: a closing connection has nothing left to report.
  void close();

 private:
  boost::asio::awaitable<std::string> read_line();

  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::steady_timer timer_;
  boost::asio::streambuf buffer_;
  std::chrono::milliseconds timeout_;
  bool encrypted_ = false;
};

}  // namespace myelin::services
