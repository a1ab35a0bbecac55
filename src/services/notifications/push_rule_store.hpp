#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "async/keyed_mutex.hpp"
#include "base/expected.hpp"
#include "base/matrix_error.hpp"
#include "services/common/service_context.hpp"
#include "services/push/push_rule_set.hpp"

namespace myelin::services {

namespace asio = boost::asio;

using PushRuleSetPtr = std::shared_ptr<const push::PushRuleSet>;

// Every local user's push rules: read by the push rules API and, on database threads, by the
// evaluation of each new event for each joined member, so loaded rule sets stay cached (a
// user's rules change rarely; events arrive often). A user who never changed a rule has no
// stored row and gets the server defaults.
//
// A change is written twice: the stored form (user_data push_rules) and the client form as
// global account data "m.push_rules", which is how /sync tells clients (matrix-js-sdk, Element)
// about it.
class PushRuleStore {
 public:
  explicit PushRuleStore(ServiceContext& ctx) : ctx_(ctx) {}

  // The user's rules. Blocking on a cache miss: call on a database thread.
  PushRuleSetPtr load(const std::string& user_id);
  // The user's rules if they are cached, else nullptr (never blocks).
  PushRuleSetPtr in_memory(const std::string& user_id) { return cached(user_id); }
  // As load(), from a coroutine: a cache miss reads the store on the database pool.
  asio::awaitable<PushRuleSetPtr> rules(std::string user_id);

  // Applies `change` to a copy of the user's rules (one change per user at a time), persists
  // it, publishes it to the cache and wakes the user's syncs. Throws the change's MatrixError
  // when it refuses; nothing is written then.
  using Change = std::function<Expected<Ok, MatrixError>(push::PushRuleSet&)>;
  asio::awaitable<void> update(std::string user_id, Change change);

 private:
  PushRuleSetPtr cached(const std::string& user_id);
  PushRuleSetPtr read_from_store(const std::string& user_id);

  ServiceContext& ctx_;
  async::KeyedMutex writers_;  // per user: read-modify-write of the stored rules
  std::mutex mutex_;           // guards cache_ (database threads and I/O threads)
  std::unordered_map<std::string, PushRuleSetPtr> cache_;
};

}  // namespace myelin::services
