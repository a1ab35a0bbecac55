#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

namespace myelin::loadgen {

// Where the homeserver listens: a resolved endpoint plus the Host header to send.
struct ServerAddress {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;
};

// Parses "http://HOST:PORT" (a trailing slash is allowed) and resolves HOST. Throws
// std::invalid_argument for anything else: the load generator speaks plain HTTP only.
ServerAddress parse_server_url(std::string_view url);

}  // namespace myelin::loadgen
