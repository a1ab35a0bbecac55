#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::app {

// Where a command-line tool reaches the homeserver: "http://host[:port][/prefix]".
struct BaseUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without the brackets of an IPv6 literal
  std::string port;
  std::string path_prefix;  // without a trailing slash; usually empty
};

// Accepts http:// and https:// URLs (the port defaults to 80 / 443); anything else fails.
Expected<BaseUrl> parse_base_url(std::string_view url);

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

// One blocking HTTP/1.1 request on a fresh connection, for the command-line tools: plain http
// only (they talk to the homeserver on loopback or a private address), a JSON body when `body`
// is not empty, and a deadline for the whole exchange. Fails with a readable reason when the
// server cannot be reached or answers garbage; any HTTP status is a reply.
Expected<HttpReply> http_request(const BaseUrl& base, std::string_view method,
                                 std::string_view path, std::string_view body,
                                 std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace myelin::app
