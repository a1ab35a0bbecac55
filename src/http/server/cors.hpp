#pragma once

#include <string_view>

#include "http/router/headers.hpp"

namespace myelin::http {

// Web clients call the APIs cross-origin. Client-server API, "Web Browser Clients": servers
// should answer pre-flight OPTIONS requests and send these headers on all requests.
bool is_cors_path(std::string_view path);  // /_matrix/… and /_synapse/…
void add_cors_headers(Headers& headers);

}  // namespace myelin::http
