#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/sql/row.hpp"
#include "storage/sql/value.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace myelin::sqlite {

// One prepared statement. Parameters are bound without copying, so they must outlive the
// execution; release() clears them before the statement goes back to the cache.
class SqliteStatement {
 public:
  // Prepares the first statement of `sql`; `tail` (when given) receives the rest of the text.
  // Without `tail`, `sql` must hold exactly one statement.
  SqliteStatement(sqlite3* db, std::string_view sql, std::string_view* tail = nullptr);
  ~SqliteStatement();

  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // False for a text that held only whitespace or comments.
  bool empty() const { return stmt_ == nullptr; }
  const std::string& sql() const { return sql_; }

  void bind(const sql::Params& params);
  // Advances to the next row; false once the statement is done.
  bool step();
  sql::Row row();
  // Resets the statement and drops the bound parameters, ready for reuse.
  void release();

 private:
  sql::Value column(int index) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  sql::Row::ColumnNames columns_;
};

}  // namespace myelin::sqlite
