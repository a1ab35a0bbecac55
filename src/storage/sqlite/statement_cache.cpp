#include "storage/sqlite/statement_cache.hpp"

namespace myelin::sqlite {

std::unique_ptr<SqliteStatement> StatementCache::take(std::string_view sql) {
  if (auto it = entries_.find(sql); it != entries_.end()) {
    std::unique_ptr<SqliteStatement> statement = std::move(*it->second);
    lru_.erase(it->second);
    entries_.erase(it);
    ++stats_.reused;
    return statement;
  }
  auto statement = std::make_unique<SqliteStatement>(db_, sql);
  ++stats_.prepared;
  return statement;
}

void StatementCache::give_back(std::unique_ptr<SqliteStatement> statement) {
  statement->release();
  if (capacity_ == 0 || entries_.contains(statement->sql())) return;  // a duplicate: drop it
  lru_.push_front(std::move(statement));
  entries_.emplace(lru_.front()->sql(), lru_.begin());
  if (lru_.size() > capacity_) {
    entries_.erase(lru_.back()->sql());
    lru_.pop_back();
  }
}

void StatementCache::clear() {
  entries_.clear();
  lru_.clear();
}

}  // namespace myelin::sqlite
