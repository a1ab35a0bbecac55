#include "storage/sqlite/wal_checkpointer.hpp"

#include <sqlite3.h>

#include "base/log.hpp"

namespace myelin::sqlite {

namespace {

// How far past the background threshold the WAL may grow before the writer checkpoints it.
constexpr int kBehindFactor = 4;

}  // namespace

WalCheckpointer::WalCheckpointer(const std::string& path, SqliteConnection& writer,
                                 SqliteConnection::Options options, int background_pages)
    : writer_(writer.handle()), background_pages_(background_pages) {
  // Checkpointing writes the database file: a read-write connection that never writes rows.
  options.mode = SqliteConnection::Mode::kWriter;
  connection_ = std::make_unique<SqliteConnection>(path, options);
  thread_ = std::thread([this] { run(); });
  // Replaces the hook wal_autocheckpoint installed.
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() { stop(); }

void WalCheckpointer::stop() {
  if (!thread_.joinable()) return;
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* name, int wal_pages) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  // SQLite starts the WAL again from its beginning only at a write that finds it copied whole.
  // Under steady writes that never happens by itself: pages keep arriving while the background
  // checkpoint copies. So once one finished, the writer copies what came meanwhile (a few
  // milliseconds of writes) between two of its writes, and the next write restarts the WAL.
  // Without that the WAL grew to kBehindFactor times the threshold and the writer copied
  // several thresholds' worth itself, stopping every write for ~40 ms each time.
  const bool finish_background = checkpointer.finish_on_writer_.exchange(false);
  if (finish_background || wal_pages >= kBehindFactor * checkpointer.background_pages_) {
    // (Behind: even the background checkpoints fall back; then this one copies everything.)
    std::lock_guard running(checkpointer.checkpointing_);
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  // Asked again once as many pages more were written (or the WAL restarted), not after every
  // commit: each checkpoint ends with an fsync, whatever it copied.
  const int last = checkpointer.requested_at_pages_;
  if (wal_pages >= checkpointer.background_pages_ &&
      (wal_pages < last || wal_pages - last >= checkpointer.background_pages_)) {
    checkpointer.requested_at_pages_ = wal_pages;
    {
      std::lock_guard lock(checkpointer.mutex_);
      checkpointer.requested_ = true;
    }
    checkpointer.wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    // Passive: copies what no reader still needs and never waits for one; commits meanwhile ask
    // again.
    std::unique_lock running(checkpointing_);
    int wal_frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(connection_->handle(), nullptr,
                                             SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    running.unlock();
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      log::warn("sqlite", "background checkpoint failed: {}", sqlite3_errstr(rc));
    }
    if (rc == SQLITE_OK && copied > 0) finish_on_writer_ = true;
    ++checkpoints_;
    lock.lock();
  }
}

}  // namespace myelin::sqlite
