#pragma once

#include <string_view>

namespace myelin::http {

// Which APIs a listener answers (config `resources: [{names: [client, federation]}]`), as in
// Synapse: a federation-only port does not expose the client and admin APIs, a client-only one
// does not take federation traffic. Paths of the other kind get 404 M_UNRECOGNIZED, exactly
// what an unknown endpoint gets.
struct ListenerResources {
  bool client = true;
  bool federation = true;

  // `path` is the request target without its query.
  bool serves(std::string_view path) const;
};

// /_matrix/federation/* and /_matrix/key/*: what other servers ask.
bool is_federation_path(std::string_view path);

}  // namespace myelin::http
