#include "storage/sqlite/sqlite_statement.hpp"

#include <sqlite3.h>

#include <climits>
#include <vector>

#include "storage/sql/error.hpp"
#include "storage/sqlite/sqlite_error.hpp"

namespace myelin::sqlite {

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql, std::string_view* tail)
    : db_(db) {
  if (sql.size() > INT_MAX) throw sql::Error(sql::ErrorKind::kOther, "SQL text too long");
  const char* rest = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, &rest);
  if (rc != SQLITE_OK) throw_error(db_, rc, sql);
  const std::size_t used = static_cast<std::size_t>(rest - sql.data());
  if (tail != nullptr) {
    sql_ = std::string(sql.substr(0, used));
    *tail = sql.substr(used);
    return;
  }
  // Without a tail to hand back, a second statement would be silently ignored.
  if (sql.substr(used).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(stmt_);
    throw sql::Error(sql::ErrorKind::kOther,
                     "more than one statement (use execute_script): " + std::string(sql));
  }
  if (stmt_ == nullptr) {
    throw sql::Error(sql::ErrorKind::kOther, "no statement in: " + std::string(sql));
  }
  sql_ = std::string(sql);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(const sql::Params& params) {
  const int expected = sqlite3_bind_parameter_count(stmt_);
  if (static_cast<std::size_t>(expected) != params.size()) {
    throw sql::Error(sql::ErrorKind::kOther, "statement takes " + std::to_string(expected) +
                                                 " parameters, " + std::to_string(params.size()) +
                                                 " given: " + sql_);
  }
  for (int i = 0; i < expected; ++i) {
    const sql::Value& value = params[static_cast<std::size_t>(i)];
    const int index = i + 1;
    int rc = SQLITE_OK;
    switch (value.type()) {
      case sql::Value::Type::kNull:
        rc = sqlite3_bind_null(stmt_, index);
        break;
      case sql::Value::Type::kInteger:
        rc = sqlite3_bind_int64(stmt_, index, value.as_int64());
        break;
      case sql::Value::Type::kReal:
        rc = sqlite3_bind_double(stmt_, index, value.as_double());
        break;
      case sql::Value::Type::kText: {
        const std::string& text = value.as_text();
        rc =
            sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
      }
      case sql::Value::Type::kBlob: {
        const std::string& bytes = value.as_blob().bytes;
        // An empty blob must not be bound with a null pointer: SQLite would store NULL.
        rc = bytes.empty()
                 ? sqlite3_bind_zeroblob(stmt_, index, 0)
                 : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
        break;
      }
    }
    if (rc != SQLITE_OK) throw_error(db_, rc, sql_);
  }
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_error(db_, rc, sql_);
}

sql::Row SqliteStatement::row() {
  const int count = sqlite3_column_count(stmt_);
  if (!columns_) {
    // Read once per execution and shared by its rows (a schema change may re-prepare the
    // statement with other columns, so they are not kept across executions).
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      const char* name = sqlite3_column_name(stmt_, i);
      names.emplace_back(name != nullptr ? name : "");
    }
    columns_ = std::make_shared<const std::vector<std::string>>(std::move(names));
  }
  std::vector<sql::Value> values;
  values.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) values.push_back(column(i));
  return sql::Row(columns_, std::move(values));
}

sql::Value SqliteStatement::column(int index) const {
  switch (sqlite3_column_type(stmt_, index)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt_, index);
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt_, index);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
      const int size = sqlite3_column_bytes(stmt_, index);
      if (text == nullptr && size > 0) throw_error(db_, SQLITE_NOMEM, sql_);
      return std::string(text != nullptr ? text : "", static_cast<std::size_t>(size));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
      const int size = sqlite3_column_bytes(stmt_, index);
      if (data == nullptr && size > 0) throw_error(db_, SQLITE_NOMEM, sql_);
      return sql::Blob{std::string(data != nullptr ? data : "", static_cast<std::size_t>(size))};
    }
    default:
      return sql::Value();
  }
}

void SqliteStatement::release() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  columns_.reset();
}

}  // namespace myelin::sqlite
