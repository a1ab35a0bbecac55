#include "http/server/listener_resources.hpp"

namespace myelin::http {

bool is_federation_path(std::string_view path) {
  return path.starts_with("/_matrix/federation/") || path.starts_with("/_matrix/key/");
}

bool ListenerResources::serves(std::string_view path) const {
  // Delegation documents are for both audiences: a server on 443 serving only federation must
  // still tell other servers where it is.
  if (path.starts_with("/.well-known/")) return client || federation;
  return is_federation_path(path) ? federation : client;
}

}  // namespace myelin::http
