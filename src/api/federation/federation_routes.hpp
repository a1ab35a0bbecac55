#pragma once

#include <vector>

#include "http/router/route.hpp"

namespace myelin::api {

// The server-server API (/_matrix/federation/*) and the key API (/_matrix/key/*), one list per
// topic; api/routes.cpp puts them in the route table.

// What other servers read from us: events, state, auth chains, backfill, missing events,
// queries, the public room directory, device lists and keys, space hierarchies.
std::vector<http::Route> read_routes();

// The membership handshakes: make/send join, leave and knock, and invites (v2).
std::vector<http::Route> membership_routes();

// Transactions pushed to us: PUT /_matrix/federation/v1/send/{txnId}.
std::vector<http::Route> transaction_routes();

// Our keys, the notary (/_matrix/key/v2/*) and /_matrix/federation/v1/version.
std::vector<http::Route> key_routes();

}  // namespace myelin::api
