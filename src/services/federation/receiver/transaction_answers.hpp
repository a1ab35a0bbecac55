#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace myelin::services {

// The answers to the latest /send transactions, by (origin, txnId), so that a transaction sent
// again — its first answer lost on the way back — is answered the same without being processed
// twice (spec server-server API "Transactions": a txnId identifies the transaction to its
// origin). In memory and bounded: after a restart, or once `capacity` newer transactions came
// in, a repeat is processed again, which only finds its PDUs already known (duplicates answer
// {}) and hands its EDUs on once more — harmless, as Synapse's cache of 30 minutes is too.
// Safe from any thread.
class TransactionAnswers {
 public:
  explicit TransactionAnswers(std::size_t capacity) : capacity_(capacity) {}

  std::optional<boost::json::object> find(const std::string& origin,
                                          const std::string& txn_id) const;
  // Remembers the answer, forgetting the oldest one when full.
  void remember(const std::string& origin, const std::string& txn_id, boost::json::object answer);

 private:
  using Key = std::pair<std::string, std::string>;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<Key, boost::json::object> answers_;
  std::deque<Key> order_;  // oldest first
};

}  // namespace myelin::services
