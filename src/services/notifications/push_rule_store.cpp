#include "services/notifications/push_rule_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/log.hpp"

namespace myelin::services {

namespace bj = boost::json;

PushRuleSetPtr PushRuleStore::cached(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = cache_.find(user_id);
  return it == cache_.end() ? nullptr : it->second;
}

PushRuleSetPtr PushRuleStore::read_from_store(const std::string& user_id) {
  std::optional<std::string> stored = ctx_.store.user_data.push_rules(user_id);
  if (stored) {
    boost::system::error_code ec;
    bj::value json = bj::parse(*stored, ec);
    if (!ec && json.is_object()) {
      Expected<push::PushRuleSet> rules =
          push::PushRuleSet::from_storage_json(user_id, json.as_object());
      if (rules) return std::make_shared<const push::PushRuleSet>(std::move(*rules));
      log::warn("push", "stored push rules of {} unreadable ({}); using the defaults", user_id,
                rules.error());
    } else {
      log::warn("push", "stored push rules of {} are not a JSON object; using the defaults",
                user_id);
    }
  }
  return std::make_shared<const push::PushRuleSet>(user_id);
}

PushRuleSetPtr PushRuleStore::load(const std::string& user_id) {
  if (PushRuleSetPtr rules = cached(user_id)) return rules;
  PushRuleSetPtr rules = read_from_store(user_id);
  std::lock_guard lock(mutex_);
  // A concurrent update() may have published a newer set meanwhile: it wins.
  return cache_.try_emplace(user_id, std::move(rules)).first->second;
}

asio::awaitable<PushRuleSetPtr> PushRuleStore::rules(std::string user_id) {
  if (PushRuleSetPtr rules = cached(user_id)) co_return rules;
  auto job = [this, user_id] { return load(user_id); };
  co_return co_await ctx_.db(std::move(job));
}

asio::awaitable<void> PushRuleStore::update(std::string user_id, Change change) {
  async::KeyedMutex::Guard guard = co_await writers_.lock(user_id);
  PushRuleSetPtr current = co_await rules(user_id);
  auto next = std::make_shared<push::PushRuleSet>(*current);
  Expected<Ok, MatrixError> changed = change(*next);
  if (!changed) {
    // M_UNKNOWN derives 500; here it is the spec's 400 for a before/after rule not found.
    if (changed.error().code() == ErrCode::kUnknown) {
      throw MatrixError::unknown_bad_request(changed.error().what());
    }
    throw changed.error();
  }

  std::string stored = bj::serialize(next->to_storage_json());
  std::string client = bj::serialize(next->to_client_json());
  storage::Store& store = ctx_.store;
  auto write = [&store, user_id, stored, client] {
    store.user_data.put_push_rules(user_id, stored);
    store.user_data.put_account_data(user_id, "", "m.push_rules", client);
  };
  co_await ctx_.db(std::move(write));
  {
    std::lock_guard lock(mutex_);
    cache_[user_id] = std::move(next);
  }
  ctx_.notifier.notify(user_id);
}

}  // namespace myelin::services
