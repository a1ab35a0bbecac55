#include "app/server_signed_auth.hpp"

#include "services/federation/keys/request_authenticator.hpp"

namespace myelin::app {

boost::asio::awaitable<http::Principal> authenticate_server(Services& services,
                                                            const http::Request& request) {
  services::ServerSignedRequest signed_request;
  signed_request.method = std::string(http::method_name(request.method));
  signed_request.uri = request.target;  // path and query exactly as received: what was signed
  for (std::string_view value : request.headers.get_all("Authorization")) {
    signed_request.authorization_headers.emplace_back(value);
  }
  signed_request.body = request.body;
  services::RequestAuthenticator authenticator(services.ctx, services.key_ring);
  http::Principal principal;
  principal.server_name = co_await authenticator.authenticate(std::move(signed_request));
  // It reached us, so it is up: whatever we hold for it goes now rather than after its back-off
  // (only a post to its queue, never waited for).
  services.federation_sender.on_server_seen(principal.server_name);
  co_return principal;
}

}  // namespace myelin::app
