#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite/sqlite_connection.hpp"

struct sqlite3;

namespace myelin::sqlite {

// Copies the WAL back into the database file on a thread and connection of its own. SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold, so the writer (and
// every event queued behind it) stopped for the copy and an fsync, tens of milliseconds under a
// message burst. A passive checkpoint here runs beside the writer instead; SQLite restarts the
// WAL from its start at the first write that finds it copied whole, which the writer brings
// about by copying the little written meanwhile (on_commit).
class WalCheckpointer {
 public:
  // Takes checkpointing over from `writer` (its automatic checkpoints stop): a checkpoint starts
  // once a commit leaves `background_pages` or more in the WAL. The writer's next commit after
  // it copies the pages written meanwhile, so that the WAL restarts although writes never pause;
  // should it still reach four times that (readers holding old pages), the writer checkpoints
  // it whole itself, so the WAL stays bounded.
  WalCheckpointer(const std::string& path, SqliteConnection& writer,
                  SqliteConnection::Options options, int background_pages);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Gives checkpointing back to the writer's own (with the writer idle) and ends the thread after
  // the checkpoint under way, if any.
  void stop();

  // Background checkpoints run so far (for tests).
  std::size_t checkpoints() const { return checkpoints_; }

 private:
  // sqlite3_wal_hook callback on the writer's thread, after each commit.
  static int on_commit(void* self, sqlite3* db, const char* name, int wal_pages);
  void run();

  sqlite3* writer_;
  int background_pages_;
  int requested_at_pages_ = 0;  // the WAL's size at the last request (writer's thread only)
  std::unique_ptr<SqliteConnection> connection_;
  std::mutex checkpointing_;  // held while either connection checkpoints
  std::mutex mutex_;          // guards requested_ and stopping_
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::atomic<std::size_t> checkpoints_ = 0;
  // Set by a background checkpoint that copied pages: the writer's next commit copies the rest.
  std::atomic<bool> finish_on_writer_ = false;
  std::thread thread_;
};

}  // namespace myelin::sqlite
