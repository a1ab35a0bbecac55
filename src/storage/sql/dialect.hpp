#pragma once

#include <string>
#include <string_view>

namespace myelin::sql {

// What differs between backends in the SQL we write. Queries are written once with `?`
// placeholders; migrations use tokens for the few type names that differ:
//   {{AUTOINCREMENT}}  an auto-incrementing 64-bit integer primary key column type
//   {{BLOB}}           a binary column type
//   {{BIGINT}}         a 64-bit integer column type
//   {{CLUSTERED}}      after a table whose rows are only ever reached by their primary key:
//                      SQLite's WITHOUT ROWID (one b-tree instead of table + key index)
// Anything else between {{ and }} is an error, so a typo cannot reach the database.
class Dialect {
 public:
  enum class Placeholders { kQuestionMark, kDollarNumbered };

  struct Spec {
    std::string name;
    Placeholders placeholders;
    std::string autoincrement_primary_key;
    std::string blob_type;
    std::string bigint_type;
    // Run first in every migration transaction so that concurrent start-ups of several
    // processes apply each migration once; empty when the transaction itself excludes them.
    std::string migration_lock = {};
    std::string clustered_table_suffix = {};
  };

  explicit Dialect(Spec spec) : spec_(std::move(spec)) {}

  static const Dialect& sqlite();
  static const Dialect& postgres();

  // The backend name migrations use to pick a per-backend variant ("sqlite", "postgres").
  const std::string& name() const { return spec_.name; }

  // `?` → `$1`, `$2`, … for PostgreSQL; unchanged for SQLite. Question marks inside string
  // literals, quoted identifiers and comments are left alone.
  std::string rewrite_placeholders(std::string_view sql) const;

  const std::string& migration_lock() const { return spec_.migration_lock; }

  // Substitutes the {{TOKENS}} above; throws sql::Error (kSchema) on an unknown token.
  std::string expand_tokens(std::string_view sql) const;

 private:
  Spec spec_;
};

}  // namespace myelin::sql
