#include "services/federation/receiver/transaction_answers.hpp"

namespace myelin::services {

std::optional<boost::json::object> TransactionAnswers::find(const std::string& origin,
                                                            const std::string& txn_id) const {
  std::lock_guard lock(mutex_);
  auto it = answers_.find({origin, txn_id});
  if (it == answers_.end()) return std::nullopt;
  return it->second;
}

void TransactionAnswers::remember(const std::string& origin, const std::string& txn_id,
                                  boost::json::object answer) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  Key key{origin, txn_id};
  auto [it, inserted] = answers_.insert_or_assign(key, std::move(answer));
  (void)it;
  if (!inserted) return;
  order_.push_back(std::move(key));
  while (order_.size() > capacity_) {
    answers_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace myelin::services
