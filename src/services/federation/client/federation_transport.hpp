#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace myelin::services {

// The remote server answered, but not with 2xx. `errcode` is the Matrix errcode of its JSON body
// ("" when it had none). The remote text is for logs only: it is never passed on to clients.
class FederationRequestError : public std::runtime_error {
 public:
  FederationRequestError(int status, std::string errcode, const std::string& message)
      : std::runtime_error(message), status_(status), errcode_(std::move(errcode)) {}
  int status() const { return status_; }
  const std::string& errcode() const { return errcode_; }

 private:
  int status_;
  std::string errcode_;
};

// No answer came: discovery, DNS, connection, TLS or time-out trouble, or a reply that is not
// JSON. The server counts as unreachable for back-off.
class FederationUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Requests to other homeservers, found by server discovery (spec server-server API "Resolving
// server names"). Services hold this interface so that unit tests can answer in-process; the
// real one (FederationClient) signs with X-Matrix and speaks HTTPS.
class FederationTransport {
 public:
  virtual ~FederationTransport() = default;

  // A request signed with X-Matrix (origin = us, destination = `destination`). `path` includes
  // the query string, percent-encoded as it is sent (the signature covers it as sent). Returns
  // the parsed JSON body of a 2xx answer; throws FederationRequestError or FederationUnreachable.
  virtual boost::asio::awaitable<boost::json::value> request(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) = 0;

  // The same without an Authorization header: the key endpoints (/_matrix/key/v2/*) and
  // /_matrix/federation/v1/version.
  virtual boost::asio::awaitable<boost::json::value> request_unsigned(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) = 0;
};

}  // namespace myelin::services
