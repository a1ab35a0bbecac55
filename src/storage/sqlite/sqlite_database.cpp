#include "storage/sqlite/sqlite_database.hpp"

#include <algorithm>
#include <thread>

#include "storage/sql/error.hpp"

namespace myelin::sqlite {
namespace {

[[noreturn]] void throw_closed() {
  throw sql::Error(sql::ErrorKind::kOther, "sqlite: the database has been closed");
}

}  // namespace

std::unique_ptr<SqliteDatabase> SqliteDatabase::open(const std::string& path, Options options) {
  if (path.empty() || path == ":memory:" || path.starts_with("file::memory:")) {
    throw sql::Error(sql::ErrorKind::kOther,
                     "sqlite: a database file path is required (connections share the file)");
  }
  return std::make_unique<SqliteDatabase>(ConstructionTag{}, path, options);
}

SqliteDatabase::SqliteDatabase(ConstructionTag, std::string path, Options options)
    : path_(std::move(path)),
      reader_count_(options.reader_count != 0
                        ? options.reader_count
                        : std::max<std::size_t>(1, std::thread::hardware_concurrency())) {
  SqliteConnection::Options connection_options{
      SqliteConnection::Mode::kWriter, options.busy_timeout_ms, options.statement_cache_size};
  writer_ = std::make_unique<SqliteConnection>(path_, connection_options);
  // WAL is a property of the file, set once by the writer; readers opened afterwards use it.
  const sql::Row mode = writer_->query_one("PRAGMA journal_mode = WAL");
  if (mode.text(0) != "wal") {
    throw sql::Error(sql::ErrorKind::kOther, "sqlite: could not switch " + path_ +
                                                 " to WAL (journal mode is " + mode.text(0) + ")");
  }

  checkpointer_ = std::make_unique<WalCheckpointer>(path_, *writer_, connection_options,
                                                    options.checkpoint_pages);

  connection_options.mode = SqliteConnection::Mode::kReader;
  idle_readers_.reserve(reader_count_);
  for (std::size_t i = 0; i < reader_count_; ++i) {
    idle_readers_.push_back(std::make_unique<SqliteConnection>(path_, connection_options));
  }
}

SqliteDatabase::~SqliteDatabase() {
  try {
    close();
  } catch (...) {
    // Nothing can be reported from a destructor; SQLite closes the handles regardless, and the
    // WAL is checkpointed the next time the database is opened.
  }
}

void SqliteDatabase::with_writer(const ConnectionFn& fn) {
  std::lock_guard lock(writer_mutex_);
  if (!writer_) throw_closed();
  fn(*writer_);
}

void SqliteDatabase::with_reader(const ConnectionFn& fn) {
  std::unique_ptr<SqliteConnection> reader;
  {
    std::unique_lock lock(readers_mutex_);
    reader_returned_.wait(lock, [this] { return closed_ || !idle_readers_.empty(); });
    if (closed_) throw_closed();
    reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    ++readers_out_;
  }
  // Hands the connection back on every exit path, exceptions included.
  struct Return {
    SqliteDatabase& db;
    std::unique_ptr<SqliteConnection>& reader;
    ~Return() {
      {
        std::lock_guard lock(db.readers_mutex_);
        db.idle_readers_.push_back(std::move(reader));
        --db.readers_out_;
      }
      db.reader_returned_.notify_all();
    }
  } give_back{*this, reader};
  fn(*reader);
}

void SqliteDatabase::close() {
  {
    std::unique_lock lock(readers_mutex_);
    if (closed_) return;
    closed_ = true;
    reader_returned_.notify_all();  // waiters for a reader give up
    reader_returned_.wait(lock, [this] { return readers_out_ == 0; });
    idle_readers_.clear();
  }
  std::lock_guard lock(writer_mutex_);
  if (!writer_) return;
  checkpointer_->stop();
  // With every reader closed, TRUNCATE copies the whole WAL into the database file and empties
  // it, leaving a self-contained file behind.
  std::unique_ptr<SqliteConnection> writer = std::move(writer_);
  writer->execute_script("PRAGMA wal_checkpoint(TRUNCATE);");
}

}  // namespace myelin::sqlite
