#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <string>

#include "http/server/listener_resources.hpp"
#include "http/server/server_state.hpp"

namespace myelin::http {

// Serves one connection: HTTP/1.1 requests one after another (keep-alive) until the client
// closes, a timeout fires, the request asks to close, or the server stops. Runs on the strand
// that is `entry`'s executor, and removes `entry` from `state` when it ends. trust_forwarded:
// the listener is behind a reverse proxy (X-Forwarded-For names the client). resources: which
// APIs the listener answers; other paths get 404 M_UNRECOGNIZED.
boost::asio::awaitable<void> serve_connection(boost::beast::tcp_stream stream, std::string remote,
                                              bool trust_forwarded, ListenerResources resources,
                                              std::shared_ptr<ServerState> state,
                                              std::shared_ptr<SessionEntry> entry);
boost::asio::awaitable<void> serve_connection(
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream, std::string remote,
    bool trust_forwarded, ListenerResources resources, std::shared_ptr<ServerState> state,
    std::shared_ptr<SessionEntry> entry);

}  // namespace myelin::http
