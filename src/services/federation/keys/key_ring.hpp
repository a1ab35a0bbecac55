#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "async/keyed_mutex.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/keys/key_cache.hpp"
#include "services/federation/keys/server_keys.hpp"

namespace myelin::services {

// Other servers' verify keys and our own key document (spec server-server API "Retrieving
// server keys"). Keys live in memory, backed by the server_keys table; missing or stale ones
// are fetched from the server itself (GET /_matrix/key/v2/server), then through each configured
// notary (POST /_matrix/key/v2/query). Fetches for different servers run concurrently; fetches
// for one server are serialised, so a second asker finds the first one's result. A server for
// which no source gave a valid document is not asked again for a short while (a valid document
// without the wanted key does not count as a failure: the key may be new).
class KeyRing final : public ServerKeys {
 public:
  struct Options {
    // How long a server whose keys could not be had is left alone (its keys stay unknown).
    std::int64_t failure_memory_ms = 60'000;
  };

  explicit KeyRing(ServiceContext& ctx);
  KeyRing(ServiceContext& ctx, Options options);

  // The network. Until one is set, only stored and our own keys are known. Set once, by the
  // composition root, before requests arrive.
  void set_transport(FederationTransport* transport) { transport_ = transport; }

  boost::asio::awaitable<void> prefetch(std::vector<KeyRequest> requests) override;
  std::optional<std::string> cached_key(std::string_view server_name, std::string_view key_id,
                                        std::int64_t minimum_valid_until_ts) const override;

  // Our key document (GET /_matrix/key/v2/server), signed now, valid for key_refresh_interval.
  boost::json::object own_key_document() const;

  // A server's key documents as it signed them (our own for our name), for the notary API:
  // fetched first when we hold no current key valid until `minimum_valid_until_ts`, otherwise
  // (or when the server cannot be reached) as stored. Empty when none is known.
  boost::asio::awaitable<std::vector<boost::json::object>> key_documents(
      std::string server_name, std::int64_t minimum_valid_until_ts);

  // The notary's answer (POST /_matrix/key/v2/query, GET .../query/{serverName}): the key
  // documents of each (server, minimum_valid_until_ts), servers looked up concurrently, each
  // document additionally signed by us. Servers with no known keys are left out.
  boost::asio::awaitable<boost::json::array> notary_answer(
      std::vector<std::pair<std::string, std::int64_t>> servers);

  const std::string& server_name() const { return ctx_.server_name(); }

 private:
  // What one server is asked for: key IDs (empty: any current key) valid until a time.
  struct Wanted {
    std::vector<std::string> key_ids;
    std::int64_t minimum_valid_until_ts = 0;
  };

  bool satisfied(const std::string& server, const Wanted& wanted) const;
  boost::asio::awaitable<void> fetch_server(std::string server, Wanted wanted);
  boost::asio::awaitable<void> load_stored(std::string server);
  // Each returns whether a valid key document came back.
  boost::asio::awaitable<bool> fetch_direct(std::string server);
  boost::asio::awaitable<bool> fetch_through_notary(config::TrustedKeyServer notary,
                                                    std::string server, Wanted wanted);
  // Stores the checked records and puts them in the cache.
  boost::asio::awaitable<void> remember(std::vector<storage::ServerKeyRecord> records);
  bool failed_recently(const std::string& server) const;
  void record_outcome(const std::string& server, bool ok);

  ServiceContext& ctx_;
  Options options_;
  std::atomic<FederationTransport*> transport_ = nullptr;
  KeyCache cache_;
  async::KeyedMutex fetch_locks_;  // one fetch per server at a time
  mutable std::mutex state_mutex_;
  std::set<std::string> loaded_from_store_;
  std::map<std::string, std::int64_t> failed_at_;
};

}  // namespace myelin::services
