#include "services/federation/keys/key_ring.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>
#include <limits>

#include "base/log.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/parse.hpp"
#include "services/federation/keys/key_document.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kServerKeysPath = "/_matrix/key/v2/server";
constexpr const char* kNotaryQueryPath = "/_matrix/key/v2/query";

}  // namespace

KeyRing::KeyRing(ServiceContext& ctx) : KeyRing(ctx, Options{}) {}

KeyRing::KeyRing(ServiceContext& ctx, Options options) : ctx_(ctx), options_(options) {
  // Our own keys never need fetching: the current one is valid as long as we hold it, old ones
  // until they expired.
  cache_.put(ctx_.server_name(), ctx_.signing_key.key_id(),
             KeyCache::Entry{ctx_.signing_key.public_key(),
                             std::numeric_limits<std::int64_t>::max(), std::nullopt});
  for (const config::OldSigningKey& old : ctx_.config.server_keys.old_signing_keys) {
    if (old.key_id == ctx_.signing_key.key_id()) continue;
    cache_.put(ctx_.server_name(), old.key_id,
               KeyCache::Entry{old.public_key, old.expired_ts, old.expired_ts});
  }
}

std::optional<std::string> KeyRing::cached_key(std::string_view server_name,
                                               std::string_view key_id,
                                               std::int64_t minimum_valid_until_ts) const {
  return cache_.find(server_name, key_id, minimum_valid_until_ts);
}

bj::object KeyRing::own_key_document() const {
  return services::own_key_document(
      ctx_.server_name(), ctx_.signing_key, ctx_.config.server_keys.old_signing_keys,
      ctx_.now_ms() + ctx_.config.server_keys.key_refresh_interval_ms);
}

bool KeyRing::satisfied(const std::string& server, const Wanted& wanted) const {
  if (wanted.key_ids.empty()) return cache_.has_current_key(server, wanted.minimum_valid_until_ts);
  return std::all_of(wanted.key_ids.begin(), wanted.key_ids.end(), [&](const std::string& key_id) {
    return cache_.find(server, key_id, wanted.minimum_valid_until_ts).has_value();
  });
}

asio::awaitable<void> KeyRing::prefetch(std::vector<KeyRequest> requests) {
  std::map<std::string, Wanted> by_server;
  for (const KeyRequest& request : requests) {
    if (request.server_name == ctx_.server_name()) continue;  // ours are always in the cache
    if (cache_.find(request.server_name, request.key_id, request.minimum_valid_until_ts)) continue;
    Wanted& wanted = by_server[request.server_name];
    if (std::find(wanted.key_ids.begin(), wanted.key_ids.end(), request.key_id) ==
        wanted.key_ids.end()) {
      wanted.key_ids.push_back(request.key_id);
    }
    wanted.minimum_valid_until_ts =
        std::max(wanted.minimum_valid_until_ts, request.minimum_valid_until_ts);
  }
  if (by_server.empty()) co_return;

  auto executor = co_await asio::this_coro::executor;
  using Operation =
      decltype(asio::co_spawn(executor, std::declval<asio::awaitable<void>>(), asio::deferred));
  std::vector<Operation> operations;
  std::vector<std::string> servers;
  for (auto& [server, wanted] : by_server) {
    servers.push_back(server);
    operations.push_back(asio::co_spawn(executor, fetch_server(server, wanted), asio::deferred));
  }
  auto group = asio::experimental::make_parallel_group(std::move(operations));
  auto [order, failures] =
      co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (!failures[i]) continue;
    // A failure here is ours (the database), not the remote server's; its keys stay unknown.
    try {
      std::rethrow_exception(failures[i]);
    } catch (const std::exception& e) {
      log::error("keys", "fetching the keys of {} failed: {}", servers[i], e.what());
    }
  }
}

asio::awaitable<void> KeyRing::fetch_server(std::string server, Wanted wanted) {
  async::KeyedMutex::Guard guard = co_await fetch_locks_.lock(server);
  // Someone else may have fetched them while we waited for the lock.
  if (satisfied(server, wanted)) co_return;
  co_await load_stored(server);
  if (satisfied(server, wanted)) co_return;
  if (failed_recently(server)) co_return;

  bool answered = co_await fetch_direct(server);
  if (!satisfied(server, wanted)) {
    for (const config::TrustedKeyServer& notary : ctx_.config.server_keys.trusted_key_servers) {
      if (notary.server_name == server || notary.server_name == ctx_.server_name()) continue;
      const bool notary_answered = co_await fetch_through_notary(notary, server, wanted);
      answered = answered || notary_answered;
      if (satisfied(server, wanted)) break;
    }
  }
  if (!satisfied(server, wanted)) log::info("keys", "no usable keys for {}", server);
  record_outcome(server, answered);
}

asio::awaitable<void> KeyRing::load_stored(std::string server) {
  {
    std::lock_guard lock(state_mutex_);
    if (loaded_from_store_.contains(server)) co_return;
  }
  auto read = [&store = ctx_.store, server] { return store.server_keys.keys_of(server); };
  std::vector<storage::ServerKeyRecord> records = co_await ctx_.db(read);
  cache_.put(records);
  std::lock_guard lock(state_mutex_);
  loaded_from_store_.insert(server);
}

asio::awaitable<bool> KeyRing::fetch_direct(std::string server) {
  FederationTransport* transport = transport_.load();
  if (!transport) co_return false;
  std::optional<bj::value> answer;
  try {
    std::string method = "GET";
    std::string path = kServerKeysPath;
    std::optional<bj::value> body;
    answer = co_await transport->request_unsigned(server, method, path, body);
  } catch (const std::exception& e) {
    log::info("keys", "{} did not serve its keys: {}", server, e.what());
  }
  if (!answer) co_return false;
  if (!answer->is_object()) {
    log::warn("keys", "{} served a key document that is not an object", server);
    co_return false;
  }
  auto records = verify_key_document(answer->as_object(), server, ctx_.now_ms());
  if (!records) {
    log::warn("keys", "refusing the key document of {}: {}", server, records.error());
    co_return false;
  }
  co_await remember(std::move(*records));
  co_return true;
}

asio::awaitable<bool> KeyRing::fetch_through_notary(config::TrustedKeyServer notary,
                                                    std::string server, Wanted wanted) {
  FederationTransport* transport = transport_.load();
  if (!transport) co_return false;
  bj::object criteria;
  for (const std::string& key_id : wanted.key_ids) {
    bj::object criterion;
    if (wanted.minimum_valid_until_ts > 0) {
      criterion["minimum_valid_until_ts"] = wanted.minimum_valid_until_ts;
    }
    criteria[key_id] = std::move(criterion);
  }
  bj::object server_keys;
  server_keys[server] = std::move(criteria);
  std::optional<bj::value> body = bj::value(bj::object{{"server_keys", std::move(server_keys)}});

  std::optional<bj::value> answer;
  try {
    std::string method = "POST";
    std::string path = kNotaryQueryPath;
    std::string destination = notary.server_name;
    answer = co_await transport->request_unsigned(destination, method, path, body);
  } catch (const std::exception& e) {
    log::info("keys", "notary {} did not answer for {}: {}", notary.server_name, server, e.what());
  }
  const bj::object* answer_object = answer ? answer->if_object() : nullptr;
  const bj::array* documents =
      answer_object ? json::find_array(*answer_object, "server_keys") : nullptr;
  if (!documents) co_return false;

  std::vector<storage::ServerKeyRecord> records;
  for (const bj::value& value : *documents) {
    const bj::object* document = value.if_object();
    if (!document) continue;
    auto name = json::find_string(*document, "server_name");
    if (!name || *name != server) continue;  // the notary may add others; we asked for one
    // The notary vouches for the document with its own key (as configured; Synapse lets an
    // operator omit it, and then only the origin's signature counts).
    if (!notary.verify_keys.empty() && !signed_by_notary(*document, notary)) {
      log::warn("keys", "notary {} did not sign the keys of {} with a configured key",
                notary.server_name, server);
      continue;
    }
    auto checked = verify_key_document(*document, server, ctx_.now_ms());
    if (!checked) {
      log::warn("keys", "notary {} served keys of {} that fail: {}", notary.server_name, server,
                checked.error());
      continue;
    }
    records.insert(records.end(), checked->begin(), checked->end());
  }
  const bool any = !records.empty();
  co_await remember(std::move(records));
  co_return any;
}

asio::awaitable<void> KeyRing::remember(std::vector<storage::ServerKeyRecord> records) {
  if (records.empty()) co_return;
  auto write = [&store = ctx_.store, records] { store.server_keys.store_keys(records); };
  co_await ctx_.db(write);
  cache_.put(records);
}

bool KeyRing::failed_recently(const std::string& server) const {
  std::lock_guard lock(state_mutex_);
  auto it = failed_at_.find(server);
  return it != failed_at_.end() && ctx_.now_ms() - it->second < options_.failure_memory_ms;
}

void KeyRing::record_outcome(const std::string& server, bool ok) {
  std::lock_guard lock(state_mutex_);
  if (ok) {
    failed_at_.erase(server);
  } else {
    failed_at_[server] = ctx_.now_ms();
  }
}

asio::awaitable<std::vector<bj::object>> KeyRing::key_documents(
    std::string server_name, std::int64_t minimum_valid_until_ts) {
  std::vector<bj::object> documents;
  if (server_name == ctx_.server_name()) {
    documents.push_back(own_key_document());
    co_return documents;
  }
  Wanted wanted{{}, minimum_valid_until_ts};
  co_await fetch_server(server_name, wanted);

  auto read = [&store = ctx_.store, server_name] { return store.server_keys.keys_of(server_name); };
  std::vector<storage::ServerKeyRecord> records = co_await ctx_.db(read);
  std::set<std::string> seen;
  for (const storage::ServerKeyRecord& record : records) {
    if (!seen.insert(record.key_json).second) continue;
    auto document = json::parse_object(record.key_json);
    if (document) documents.push_back(std::move(*document));
  }
  co_return documents;
}

asio::awaitable<bj::array> KeyRing::notary_answer(
    std::vector<std::pair<std::string, std::int64_t>> servers) {
  bj::array answer;
  if (servers.empty()) co_return answer;
  auto executor = co_await asio::this_coro::executor;
  using Documents = std::vector<bj::object>;
  using Operation = decltype(asio::co_spawn(executor, std::declval<asio::awaitable<Documents>>(),
                                            asio::deferred));
  std::vector<Operation> operations;
  for (auto& [server, minimum_valid_until_ts] : servers) {
    operations.push_back(
        asio::co_spawn(executor, key_documents(server, minimum_valid_until_ts), asio::deferred));
  }
  auto group = asio::experimental::make_parallel_group(std::move(operations));
  auto [order, failures, results] =
      co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (failures[i]) std::rethrow_exception(failures[i]);  // ours (the database): a 500
    for (bj::object& document : results[i]) {
      crypto::sign_json(document, ctx_.server_name(), ctx_.signing_key);
      answer.emplace_back(std::move(document));
    }
  }
  co_return answer;
}

}  // namespace myelin::services
