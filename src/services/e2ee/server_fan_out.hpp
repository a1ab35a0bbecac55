#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "services/federation/client/federation_transport.hpp"

namespace myelin::services {

// One server's part of a fan-out: its answer, or why there is none as a keys/query `failures`
// entry ({"status", "message"}, as Synapse reports them; the remote server's own error text is
// not passed on).
struct ServerAnswer {
  std::optional<boost::json::object> body;
  boost::json::object failure;
};

// POSTs `bodies[server]` to `path` on every server at once and waits at most `timeout` for all
// of them: a server that has not answered by then is a failure (its request runs on, detached,
// and its answer is dropped). No transport (federation off): every server fails.
boost::asio::awaitable<std::map<std::string, ServerAnswer>> post_to_servers(
    FederationTransport* transport, std::string path,
    std::map<std::string, boost::json::object> bodies, std::chrono::milliseconds timeout);

}  // namespace myelin::services
