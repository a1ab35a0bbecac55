#pragma once

#include <string>
#include <vector>

#include "http/client/http_client.hpp"

namespace myelin::services::discovery {

// Where and how to reach a server, as server discovery decided (spec server-server API,
// "Resolving server names").
struct ResolvedServer {
  // The Host header: the server name, or the delegated name (with its port when one was given).
  std::string host_header;
  // The name the server's certificate must be valid for (and the SNI): the server name or the
  // delegated name, never an SRV target; an IP literal without brackets.
  std::string tls_name;
  // Where to connect, in order: every address of each SRV target in priority order, or the
  // addresses of the name.
  std::vector<http::ConnectAddress> addresses;
};

}  // namespace myelin::services::discovery
