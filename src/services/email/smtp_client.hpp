#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace myelin::services {

// How to reach the SMTP relay.
struct SmtpSettings {
  std::string host;
  std::uint16_t port = 25;
  std::string user;  // empty: no AUTH
  std::string password;
  bool force_tls = false;                        // TLS from the first byte (port 465)
  bool enable_tls = true;                        // STARTTLS when offered
  bool require_tls = false;                      // never send in the clear
  std::vector<std::string> trusted_ca_files;     // on top of the system's CAs
  std::string client_name = "localhost";         // what EHLO says
  std::chrono::milliseconds timeout{30'000};     // per read, write, connect or handshake
  int attempts = 3;                              // transient failures are tried this often
  std::chrono::milliseconds first_backoff{500};  // doubled after each failed attempt

  static SmtpSettings from_config(const config::Config& config);
};

// What kind of failure ended a send. Only kUnreachable and kDeferred are worth another
// attempt; the others cannot pass by trying again.
enum class SmtpFailure {
  kUnreachable,  // no connection, or it broke or timed out
  kDeferred,     // 4xx: the relay asks to try again later
  kRefused,      // 5xx, credentials refused, a reply that is no SMTP
  kInsecure,     // the certificate is not trusted, or TLS is required but not offered
};

// Why a message could not be sent; what() has the details for the log.
class SmtpError : public std::runtime_error {
 public:
  SmtpError(SmtpFailure failure, const std::string& what)
      : std::runtime_error(what), failure_(failure) {}
  SmtpFailure failure() const { return failure_; }
  bool permanent() const {
    return failure_ == SmtpFailure::kRefused || failure_ == SmtpFailure::kInsecure;
  }

 private:
  SmtpFailure failure_;
};

// Sends mail through one relay (RFC 5321): plain, STARTTLS or implicit TLS with the relay's
// certificate and host name verified, EHLO (HELO as a fallback), AUTH PLAIN or LOGIN when
// credentials are set. Transient failures are retried with exponential back-off; what finally
// fails is thrown as SmtpError, never swallowed. Each attempt runs on its own strand, so any
// number of sends may run at once.
class SmtpClient {
 public:
  // Throws std::runtime_error when a trusted CA file cannot be loaded.
  explicit SmtpClient(SmtpSettings settings);
  ~SmtpClient();

  // `data` is the RFC 5322 message (CRLF line ends), without dot-stuffing.
  boost::asio::awaitable<void> send(std::string from_address, std::string to_address,
                                    std::string data);

 private:
  boost::asio::awaitable<void> attempt(std::string from_address, std::string to_address,
                                       std::string data);

  SmtpSettings settings_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace myelin::services
