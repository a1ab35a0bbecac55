#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include "storage/sqlite/sqlite_error.hpp"

namespace myelin::sqlite {

void SqliteConnection::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteConnection::SqliteConnection(const std::string& path, Options options) : options_(options) {
  const int flags = (options.mode == Mode::kWriter ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                   : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // sqlite3_open_v2 allocates a handle even when it fails; it must be closed
  if (rc != SQLITE_OK) throw_error(db_.get(), rc, "opening " + path);
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), options.busy_timeout_ms);
  cache_ = std::make_unique<StatementCache>(db_.get(), options.statement_cache_size);

  // Per-connection settings; the journal mode is persistent and set by the database.
  execute_script(
      "PRAGMA foreign_keys = ON;"
      // NORMAL is durable in WAL mode except for the last transactions before a power loss,
      // and avoids an fsync per commit.
      "PRAGMA synchronous = NORMAL;"
      // Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: under a message
      // burst the writer spent much of its time in checkpoints. (SqliteDatabase moves its
      // writer's checkpoints to a WalCheckpointer.)
      "PRAGMA wal_autocheckpoint = 10000;");
  if (options.mode == Mode::kWriter) {
    // 64 MiB of page cache for the one writer (SQLite's default is 2 MiB): a large transaction
    // (a joined room's 50,000 state events) otherwise spills its dirty pages to the WAL over and
    // over as its random-keyed indexes (event IDs) are updated. Temporary storage in memory: a
    // savepoint's sub-journal (persist_batch takes one per event) otherwise goes to a temporary
    // file, a write system call per page touched (~15% of a large join's CPU on the writer).
    execute_script("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;");
  }
}

SqliteConnection::~SqliteConnection() {
  cache_.reset();  // finalise statements first: sqlite3_close_v2 would otherwise defer closing
}

template <typename Use>
void SqliteConnection::with_statement(std::string_view sql, const sql::Params& params, Use use) {
  std::unique_ptr<SqliteStatement> statement = cache_->take(sql);
  try {
    statement->bind(params);
    use(*statement);
  } catch (...) {
    cache_->give_back(std::move(statement));
    throw;
  }
  cache_->give_back(std::move(statement));
}

std::int64_t SqliteConnection::do_execute(std::string_view sql, const sql::Params& params) {
  std::int64_t changes = 0;
  with_statement(sql, params, [&](SqliteStatement& statement) {
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a SELECT or DDL
    // would report an earlier statement's rows; only trust it when this one changed something.
    const std::int64_t total_before = sqlite3_total_changes64(db_.get());
    while (statement.step()) {
    }
    if (sqlite3_total_changes64(db_.get()) != total_before) {
      changes = sqlite3_changes64(db_.get());
    }
  });
  return changes;
}

void SqliteConnection::do_query(std::string_view sql, const sql::Params& params,
                                const RowVisitor& visit) {
  with_statement(sql, params, [&](SqliteStatement& statement) {
    while (statement.step()) {
      if (!visit(statement.row())) break;
    }
  });
}

void SqliteConnection::do_execute_script(std::string_view sql) {
  // Uncached: a script runs once (migrations, set-up).
  while (true) {
    std::string_view rest;
    SqliteStatement statement(db_.get(), sql, &rest);
    if (statement.empty()) {
      if (rest.empty() || rest.size() == sql.size()) break;  // only whitespace or comments left
    } else {
      while (statement.step()) {
      }
    }
    sql = rest;
  }
}

std::int64_t SqliteConnection::do_last_insert_id() { return sqlite3_last_insert_rowid(db_.get()); }

void SqliteConnection::begin_outermost() {
  // The writer takes the write lock up front so that it never has to upgrade a read lock (which
  // can fail with SQLITE_BUSY); a reader's transaction is a consistent snapshot.
  execute(options_.mode == Mode::kWriter ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

}  // namespace myelin::sqlite
