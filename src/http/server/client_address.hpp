#pragma once

#include <string>
#include <string_view>

#include "http/router/headers.hpp"

namespace myelin::http {

// The client's IP address as rate limits and logs should see it: the peer's ("127.0.0.1:5321"
// → "127.0.0.1", "[::1]:5321" → "::1"), or, on a listener behind a reverse proxy
// (x_forwarded: true), the first address of X-Forwarded-For, which the proxy set (Synapse
// does the same). The header is ignored elsewhere: any client could send it.
std::string client_address(std::string_view peer, const Headers& headers, bool trust_forwarded);

}  // namespace myelin::http
