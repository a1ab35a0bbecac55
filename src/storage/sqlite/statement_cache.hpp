#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sqlite/sqlite_statement.hpp"

namespace myelin::sqlite {

// Prepared statements of one connection, keyed by SQL text, least recently used evicted first.
// A statement is taken out while it runs and put back afterwards, so a query issued while
// another execution of the same SQL is still producing rows gets a statement of its own.
class StatementCache {
 public:
  struct Stats {
    std::size_t prepared = 0;  // statements compiled by SQLite
    std::size_t reused = 0;    // executions served from the cache
  };

  StatementCache(sqlite3* db, std::size_t capacity) : db_(db), capacity_(capacity) {}

  std::unique_ptr<SqliteStatement> take(std::string_view sql);
  void give_back(std::unique_ptr<SqliteStatement> statement);

  const Stats& stats() const { return stats_; }
  std::size_t size() const { return entries_.size(); }
  void clear();

 private:
  using Lru = std::list<std::unique_ptr<SqliteStatement>>;  // most recently used first

  sqlite3* db_;
  std::size_t capacity_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> entries_;  // views into statements' SQL
  Stats stats_;
};

}  // namespace myelin::sqlite
