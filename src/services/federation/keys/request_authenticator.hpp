#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/federation/keys/server_keys.hpp"

namespace myelin::services {

// What a request authenticated by X-Matrix carries, as received (no HTTP types here).
struct ServerSignedRequest {
  std::string method;                              // "PUT"
  std::string uri;                                 // path and query as received
  std::vector<std::string> authorization_headers;  // every Authorization header
  std::string body;                                // "" when there is none
};

// Checks a server's signature on a request (spec server-server API "Request Authentication"),
// as Synapse does: every X-Matrix Authorization header is parsed (other schemes are ignored);
// each must name the same valid origin and, when it names a destination, this server; the
// origin's keys are fetched (valid at the request's arrival), and every signature by a key we
// could find must verify, with at least one such key.
class RequestAuthenticator {
 public:
  RequestAuthenticator(ServiceContext& ctx, ServerKeys& keys) : ctx_(ctx), keys_(keys) {}

  // The origin server. Throws MatrixError 401 M_UNAUTHORIZED when headers are missing or
  // malformed, the destination is not us, no key of the origin is known, or a signature fails;
  // 400 M_NOT_JSON when a body is not JSON.
  boost::asio::awaitable<std::string> authenticate(ServerSignedRequest request);

 private:
  ServiceContext& ctx_;
  ServerKeys& keys_;
};

}  // namespace myelin::services
