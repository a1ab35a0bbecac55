#pragma once

#include <memory>
#include <string>

#include "storage/sql/connection.hpp"
#include "storage/sqlite/statement_cache.hpp"

struct sqlite3;

namespace myelin::sqlite {

// One SQLite connection with its own prepared statement cache. Used by one thread at a time
// (SqliteDatabase guarantees it), so it is opened without SQLite's own mutexes.
class SqliteConnection : public sql::Connection {
 public:
  enum class Mode { kWriter, kReader };

  struct Options {
    Mode mode = Mode::kWriter;
    int busy_timeout_ms = 5000;
    std::size_t statement_cache_size = 64;
  };

  SqliteConnection(const std::string& path, Options options);
  ~SqliteConnection() override;

  const sql::Dialect& dialect() const override { return sql::Dialect::sqlite(); }

  Mode mode() const { return options_.mode; }
  // The SQLite handle, for what the sql::Connection interface does not cover (WAL hooks).
  sqlite3* handle() const { return db_.get(); }
  const StatementCache::Stats& statement_cache_stats() const { return cache_->stats(); }

 protected:
  std::int64_t do_execute(std::string_view sql, const sql::Params& params) override;
  void do_query(std::string_view sql, const sql::Params& params, const RowVisitor& visit) override;
  void do_execute_script(std::string_view sql) override;
  std::int64_t do_last_insert_id() override;
  void begin_outermost() override;

 private:
  // Runs `sql` with a cached statement, handing it back afterwards even on failure.
  template <typename Use>
  void with_statement(std::string_view sql, const sql::Params& params, Use use);

  struct Closer {
    void operator()(sqlite3* db) const;
  };

  Options options_;
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_ so that its statements are finalised before the connection closes.
  std::unique_ptr<StatementCache> cache_;
};

}  // namespace myelin::sqlite
