#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace myelin::services {

// One verify key wanted: (server, key ID), and how long it must have been valid (an event's
// origin_server_ts for room versions that enforce key validity, a request's arrival time...;
// 0 when any known key will do).
struct KeyRequest {
  std::string server_name;
  std::string key_id;  // "ed25519:<version>"
  std::int64_t minimum_valid_until_ts = 0;
};

// Other servers' verify keys, as checking signed requests and PDUs needs them (spec server-server
// API "Retrieving server keys"). Implemented by KeyRing (keys/key_ring.hpp); an interface so that
// services checking signatures can be unit-tested with fixed keys.
class ServerKeys {
 public:
  virtual ~ServerKeys() = default;

  // Makes every requested key that can be found available to cached_key(): keys already cached
  // and valid long enough are used as they are, the rest are fetched concurrently (directly from
  // each server, then through the configured notaries). Unreachable servers and bad answers are
  // not errors: their keys simply stay unknown. Returns when every fetch has finished or timed
  // out.
  virtual boost::asio::awaitable<void> prefetch(std::vector<KeyRequest> requests) = 0;

  // The raw 32-byte ed25519 key of (server, key_id) from the cache, or nullopt when unknown or
  // not valid until `minimum_valid_until_ts` (an old, expired key counts as valid before its
  // expired_ts). Never touches the network or the database; safe from any thread.
  virtual std::optional<std::string> cached_key(std::string_view server_name,
                                                std::string_view key_id,
                                                std::int64_t minimum_valid_until_ts) const = 0;
};

}  // namespace myelin::services
