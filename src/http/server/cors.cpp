#include "http/server/cors.hpp"

namespace myelin::http {

namespace {

bool under(std::string_view path, std::string_view prefix) {
  return path.substr(0, prefix.size()) == prefix &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

bool is_cors_path(std::string_view path) {
  return under(path, "/_matrix") || under(path, "/_synapse");
}

void add_cors_headers(Headers& headers) {
  headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
  headers.set("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization");
}

}  // namespace myelin::http
