#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/router/request.hpp"
#include "http/router/route.hpp"
#include "services/services.hpp"

namespace myelin::app {

// The authenticator's kServerSigned branch: the request's X-Matrix signature checked by
// services::RequestAuthenticator (keys through the KeyRing); the principal is the origin server,
// which the federation sender then counts as reachable (FederationSender::on_server_seen).
// Throws MatrixError 401 M_UNAUTHORIZED (400 M_NOT_JSON for a body that is not JSON).
boost::asio::awaitable<http::Principal> authenticate_server(Services& services,
                                                            const http::Request& request);

}  // namespace myelin::app
