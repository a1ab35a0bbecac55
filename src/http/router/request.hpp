#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router/headers.hpp"
#include "http/router/method.hpp"
#include "http/router/query_params.hpp"

namespace myelin::http {

// The path parameters of a matched route, decoded, in template order: {roomId} → "!a:b".
using PathParams = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as the API layer sees it: no Beast types.
struct Request {
  Method method = Method::kOther;
  std::string target;  // as received: "/_matrix/client/v3/sync?since=s1"
  std::string path;    // target before '?', still %-encoded (routes match the raw form)
  PathParams path_params;
  QueryParams query;
  Headers headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:53211"
  // The client's IP: the peer's, or X-Forwarded-For's on an x_forwarded listener.
  std::string client_address;
  std::string request_id;  // "GET-17": names the request in logs

  // The decoded value of {name}. Asking for a name the route's template lacks is a bug in the
  // handler; it throws std::out_of_range (→ 500) rather than abort the server.
  const std::string& param(std::string_view name) const;
};

}  // namespace myelin::http
