#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/sql/dialect.hpp"
#include "storage/sql/row.hpp"
#include "storage/sql/value.hpp"

namespace myelin::sql {

// One database connection, used by one thread at a time (sql::Database hands them out). SQL is
// written with `?` placeholders; the backend rewrites them for its dialect. Every failure throws
// sql::Error carrying the backend's message.
class Connection {
 public:
  // Called for each row in order; returning false stops the query early.
  using RowVisitor = std::function<bool(Row&&)>;

  virtual ~Connection() = default;

  virtual const Dialect& dialect() const = 0;

  // Runs one statement and returns how many rows it inserted, updated or deleted.
  std::int64_t execute(std::string_view sql, const Params& params = {}) {
    return do_execute(sql, params);
  }

  // Runs one statement, handing rows to `visit` as they are produced (for large results).
  void query_each(std::string_view sql, const Params& params, const RowVisitor& visit) {
    do_query(sql, params, visit);
  }

  // Runs several `;`-separated statements without parameters (migrations).
  void execute_script(std::string_view sql) { do_execute_script(sql); }

  // The primary key of the last row this connection inserted.
  std::int64_t last_insert_id() { return do_last_insert_id(); }

  std::vector<Row> query(std::string_view sql, const Params& params = {});
  // The first row; throws sql::Error when there is none.
  Row query_one(std::string_view sql, const Params& params = {});
  // The first row, or nullopt when there is none.
  std::optional<Row> query_optional(std::string_view sql, const Params& params = {});

  // How many sql::Transaction scopes are open on this connection (nested ones are savepoints).
  int transaction_depth() const { return transaction_depth_; }

 protected:
  // The backend's side of the public calls above (non-virtual public functions keep default
  // arguments and overloads in one place).
  virtual std::int64_t do_execute(std::string_view sql, const Params& params) = 0;
  virtual void do_query(std::string_view sql, const Params& params, const RowVisitor& visit) = 0;
  virtual void do_execute_script(std::string_view sql) = 0;
  virtual std::int64_t do_last_insert_id() = 0;

  // The outermost BEGIN; backends choose its flavour (SQLite's writer takes the write lock
  // up front with BEGIN IMMEDIATE so that it never has to upgrade a read lock).
  virtual void begin_outermost() { execute("BEGIN"); }

 private:
  // Transaction control, only through sql::Transaction so that every BEGIN has a scope that
  // ends it; nested scopes become savepoints.
  friend class Transaction;
  void begin();
  void commit();
  void rollback();

  int transaction_depth_ = 0;
};

}  // namespace myelin::sql
