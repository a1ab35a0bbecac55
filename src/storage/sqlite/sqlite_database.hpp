#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/wal_checkpointer.hpp"

namespace myelin::sqlite {

// The zero-setup backend: one database file in WAL mode, so that readers never block the writer
// nor the writer the readers. Exactly one writer connection, guarded by a mutex (SQLite allows
// one writer at a time anyway; queueing here beats spinning on SQLITE_BUSY), and a pool of
// read-only connections used concurrently. Every call blocks: run them on a worker pool.
class SqliteDatabase : public sql::Database {
 public:
  struct Options {
    // Read-only connections; 0 means one per hardware thread.
    std::size_t reader_count = 0;
    // How long a connection waits for a lock held by another process (e.g. a backup tool).
    int busy_timeout_ms = 5000;
    std::size_t statement_cache_size = 64;
    // WAL pages that start a checkpoint on a background thread (WalCheckpointer). 1,000 pages
    // (~4 MB): the writer copies what was written while one ran (WalCheckpointer), so a shorter
    // one stops it for less. Under a message burst, /sync wake-up p99 was 14-17 ms at 1,000,
    // 18-21 ms at 2,000 (and 23 ms at 10,000, whose copies took 5-15 ms).
    int checkpoint_pages = 1000;
  };

  // Opens (creating if needed) the database file at `path`; throws sql::Error on failure. An
  // in-memory database cannot be shared between connections, so `path` must name a file.
  static std::unique_ptr<SqliteDatabase> open(const std::string& path, Options options);
  static std::unique_ptr<SqliteDatabase> open(const std::string& path) {
    return open(path, Options{});
  }

  // Use open(); the tag keeps construction there while still allowing make_unique.
  struct ConstructionTag {
   private:
    friend class SqliteDatabase;
    ConstructionTag() = default;
  };
  SqliteDatabase(ConstructionTag, std::string path, Options options);
  ~SqliteDatabase() override;

  const sql::Dialect& dialect() const override { return sql::Dialect::sqlite(); }

  // Waits for connections in use, checkpoints the WAL into the main file and closes everything.
  void close() override;

  std::size_t reader_count() const { return reader_count_; }
  std::size_t background_checkpoints() const { return checkpointer_->checkpoints(); }

 protected:
  void with_writer(const ConnectionFn& fn) override;
  void with_reader(const ConnectionFn& fn) override;

 private:
  std::string path_;
  std::size_t reader_count_;

  std::mutex writer_mutex_;
  std::unique_ptr<SqliteConnection> writer_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // the writer's checkpoints

  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
  std::size_t readers_out_ = 0;
  bool closed_ = false;
};

}  // namespace myelin::sqlite
