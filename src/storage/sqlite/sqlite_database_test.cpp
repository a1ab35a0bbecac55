#include "storage/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <limits>
#include <thread>

#include "storage/sql/error.hpp"
#include "storage/sql/transaction.hpp"
#include "storage/sqlite/test_temp_dir.hpp"

namespace myelin::sqlite {
namespace {

using sql::Connection;
using sql::Value;

// A generous bound so that a broken build fails instead of hanging; never a synchronisation.
constexpr auto kStuck = std::chrono::seconds(30);

std::unique_ptr<SqliteDatabase> open_with_table(const TempDir& dir,
                                                SqliteDatabase::Options options = {}) {
  auto db = SqliteDatabase::open(dir.file("test.db"), options);
  db->write([](Connection& c) {
    c.execute_script(
        "CREATE TABLE things (id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, b BLOB);"
        "CREATE TABLE owners (name TEXT PRIMARY KEY);"
        "CREATE TABLE pets (name TEXT, owner TEXT REFERENCES owners (name));");
  });
  return db;
}

TEST(SqliteDatabase, ConnectionSettings) {
  TempDir dir;
  SqliteDatabase::Options options;
  options.busy_timeout_ms = 1234;
  options.reader_count = 3;
  auto db = SqliteDatabase::open(dir.file("test.db"), options);
  EXPECT_EQ(db->reader_count(), 3u);
  for (bool writer : {true, false}) {
    auto check = [](Connection& c) {
      EXPECT_EQ(c.query_one("PRAGMA journal_mode").text(0), "wal");
      EXPECT_EQ(c.query_one("PRAGMA foreign_keys").int64(0), 1);
      EXPECT_EQ(c.query_one("PRAGMA synchronous").int64(0), 1);  // NORMAL
      EXPECT_EQ(c.query_one("PRAGMA busy_timeout").int64(0), 1234);
    };
    writer ? db->write(check) : db->read(check);
  }
  EXPECT_EQ(db->dialect().name(), "sqlite");
}

TEST(SqliteDatabase, DefaultReaderCountIsTheCoreCount) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("test.db"));
  EXPECT_EQ(db->reader_count(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(SqliteDatabase, TypedRoundTrips) {
  TempDir dir;
  auto db = open_with_table(dir);
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const sql::Blob with_nuls{std::string("\x00\xff\x00sig\x00", 7)};
  const std::string utf8 = "caf\xc3\xa9 \xf0\x9f\x90\x88 \xe6\x97\xa5\xe6\x9c\xac";
  const std::string text_with_nul("a\0b", 3);

  db->write([&](Connection& c) {
    const char* insert = "INSERT INTO things (id, n, r, t, b) VALUES (?, ?, ?, ?, ?)";
    c.execute(insert, {1, min, 0.1, utf8, with_nuls});
    c.execute(insert, {2, max, -1e300, text_with_nul, sql::Blob{}});
    c.execute(insert, {3, nullptr, nullptr, std::optional<std::string>(), Value()});
  });

  const auto rows =
      db->read([](Connection& c) { return c.query("SELECT n, r, t, b FROM things ORDER BY id"); });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].int64(0), min);
  EXPECT_DOUBLE_EQ(rows[0].real(1), 0.1);
  EXPECT_EQ(rows[0].text(2), utf8);
  EXPECT_EQ(rows[0].blob(3), with_nuls);
  EXPECT_EQ(rows[1].int64(0), max);
  EXPECT_DOUBLE_EQ(rows[1].real(1), -1e300);
  EXPECT_EQ(rows[1].text(2), text_with_nul);
  // An empty blob stays an empty blob, not NULL.
  EXPECT_EQ(rows[1].at(3).type(), Value::Type::kBlob);
  EXPECT_EQ(rows[1].blob(3), sql::Blob{});
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(rows[2].is_null(i)) << i;

  // SQLite reports the stored type: reading it as another fails, naming the column.
  try {
    (void)rows[0].text(3);
    FAIL();
  } catch (const sql::Error& e) {
    EXPECT_STREQ(e.what(), "column 3 (b): expected text, got blob");
  }
}

TEST(SqliteDatabase, RowsAffectedAndLastInsertId) {
  TempDir dir;
  auto db = open_with_table(dir);
  db->write([](Connection& c) {
    EXPECT_EQ(c.execute("INSERT INTO things (n) VALUES (10)"), 1);
    EXPECT_EQ(c.last_insert_id(), 1);
    EXPECT_EQ(c.execute("INSERT INTO things (n) VALUES (20)"), 1);
    EXPECT_EQ(c.last_insert_id(), 2);
    EXPECT_EQ(c.execute("UPDATE things SET n = n + 1"), 2);
    EXPECT_EQ(c.execute("DELETE FROM things WHERE n > ?", {100}), 0);
    EXPECT_EQ(c.execute("UPDATE things SET n = n + 1"), 2);
    // Statements that change no rows report 0, not the previous statement's count.
    EXPECT_EQ(c.execute("SELECT n FROM things"), 0);
    EXPECT_EQ(c.execute("CREATE TABLE more (x INTEGER)"), 0);
  });
}

TEST(SqliteDatabase, ErrorsCarrySqlitesMessage) {
  TempDir dir;
  auto db = open_with_table(dir);
  db->write([](Connection& c) {
    try {
      c.execute("SELEC 1");
      FAIL();
    } catch (const sql::Error& e) {
      EXPECT_EQ(e.kind(), sql::ErrorKind::kOther);
      EXPECT_EQ(std::string(e.what()), "sqlite: near \"SELEC\": syntax error (code 1) in: SELEC 1");
    }
    c.execute("INSERT INTO owners VALUES ('alice')");
    try {
      c.execute("INSERT INTO owners VALUES (?)", {"alice"});
      FAIL();
    } catch (const sql::Error& e) {
      EXPECT_EQ(e.kind(), sql::ErrorKind::kConstraint);
      EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed: owners.name"),
                std::string::npos)
          << e.what();
    }
    // foreign_keys = ON is in force.
    try {
      c.execute("INSERT INTO pets VALUES ('rex', 'bob')");
      FAIL();
    } catch (const sql::Error& e) {
      EXPECT_EQ(e.kind(), sql::ErrorKind::kConstraint);
      EXPECT_NE(std::string(e.what()).find("FOREIGN KEY constraint failed"), std::string::npos);
    }
    EXPECT_THROW(c.execute("SELECT ?", {1, 2}), sql::Error);    // parameter count
    EXPECT_THROW(c.execute("SELECT 1; SELECT 2"), sql::Error);  // one statement only
    EXPECT_EQ(c.execute("SELECT 1;  \n"), 0);                   // a trailing ';' is fine
  });
}

TEST(SqliteDatabase, TransactionRollsBackOnException) {
  TempDir dir;
  auto db = open_with_table(dir);
  EXPECT_THROW(db->write([](Connection& c) {
    sql::Transaction t(c);
    c.execute("INSERT INTO owners VALUES ('alice')");
    c.execute("INSERT INTO owners VALUES ('alice')");  // throws: duplicate
    t.commit();
  }),
               sql::Error);
  db->write([](Connection& c) {
    EXPECT_EQ(c.transaction_depth(), 0);
    EXPECT_EQ(c.query_one("SELECT COUNT(*) FROM owners").int64(0), 0);
    // Nested: the inner scope rolls back to its savepoint, the outer one commits.
    sql::Transaction outer(c);
    c.execute("INSERT INTO owners VALUES ('bob')");
    {
      sql::Transaction inner(c);
      c.execute("INSERT INTO owners VALUES ('carol')");
    }
    outer.commit();
  });
  const auto names = db->read([](Connection& c) { return c.query("SELECT name FROM owners"); });
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].text(0), "bob");
}

TEST(SqliteDatabase, ReadersAreReadOnly) {
  TempDir dir;
  auto db = open_with_table(dir);
  try {
    db->read([](Connection& c) { c.execute("INSERT INTO owners VALUES ('mallory')"); });
    FAIL();
  } catch (const sql::Error& e) {
    EXPECT_NE(std::string(e.what()).find("readonly"), std::string::npos) << e.what();
  }
}

// WAL: readers neither wait for an open write transaction nor see its uncommitted rows, and a
// reader's own transaction keeps its snapshot while the writer commits.
TEST(SqliteDatabase, ConcurrentReadersSeeCommittedDataWhileAWriterWrites) {
  TempDir dir;
  SqliteDatabase::Options options;
  options.reader_count = 2;
  auto db = open_with_table(dir, options);
  db->write([](Connection& c) { c.execute("INSERT INTO owners VALUES ('alice')"); });

  auto count = [](Connection& c) { return c.query_one("SELECT COUNT(*) FROM owners").int64(0); };

  std::promise<void> inserted, commit_now;
  std::thread writer([&] {
    db->write([&](Connection& c) {
      sql::Transaction t(c);
      c.execute("INSERT INTO owners VALUES ('bob')");
      inserted.set_value();
      commit_now.get_future().wait();
      t.commit();
    });
  });

  std::promise<void> snapshot_taken, writer_committed;
  std::promise<std::pair<std::int64_t, std::int64_t>> snapshot_counts;
  ASSERT_EQ(inserted.get_future().wait_for(kStuck), std::future_status::ready);
  std::thread snapshot_reader([&] {
    db->read([&](Connection& c) {
      sql::Transaction t(c);
      const std::int64_t before = count(c);
      snapshot_taken.set_value();
      writer_committed.get_future().wait();
      snapshot_counts.set_value({before, count(c)});
    });
  });
  ASSERT_EQ(snapshot_taken.get_future().wait_for(kStuck), std::future_status::ready);

  // The second reader runs alongside the first one and the open write transaction.
  EXPECT_EQ(db->read(count), 1);

  commit_now.set_value();
  writer.join();
  writer_committed.set_value();
  auto counts = snapshot_counts.get_future();
  ASSERT_EQ(counts.wait_for(kStuck), std::future_status::ready);
  EXPECT_EQ(counts.get(), (std::pair<std::int64_t, std::int64_t>{1, 1}));
  snapshot_reader.join();

  EXPECT_EQ(db->read(count), 2);
}

TEST(SqliteDatabase, ReaderPoolHandsOutDistinctConnections) {
  TempDir dir;
  SqliteDatabase::Options options;
  options.reader_count = 2;
  auto db = open_with_table(dir, options);
  std::promise<Connection*> first;
  std::promise<void> release;
  std::thread holder([&] {
    db->read([&](Connection& c) {
      first.set_value(&c);
      release.get_future().wait();
    });
  });
  auto first_future = first.get_future();
  ASSERT_EQ(first_future.wait_for(kStuck), std::future_status::ready);
  Connection* held = first_future.get();
  // Only one reader is idle while the other is held: every read gets it.
  for (int i = 0; i < 3; ++i) db->read([&](Connection& c) { EXPECT_NE(&c, held); });
  release.set_value();
  holder.join();
}

TEST(SqliteDatabase, CloseCheckpointsAndLaterCallsFail) {
  TempDir dir;
  const std::string path = dir.file("test.db");
  {
    auto db = open_with_table(dir);
    db->write([](Connection& c) { c.execute("INSERT INTO owners VALUES ('alice')"); });
    EXPECT_GT(std::filesystem::file_size(path + "-wal"), 0u);
    db->close();
    // TRUNCATE emptied the WAL into the main file (SQLite removes it on the last close).
    EXPECT_TRUE(!std::filesystem::exists(path + "-wal") ||
                std::filesystem::file_size(path + "-wal") == 0);
    EXPECT_THROW(db->read([](Connection&) {}), sql::Error);
    EXPECT_THROW(db->write([](Connection&) {}), sql::Error);
    db->close();  // idempotent
  }
  auto db = SqliteDatabase::open(path);
  EXPECT_EQ(db->read([](Connection& c) { return c.query_one("SELECT name FROM owners").text(0); }),
            "alice");
}

TEST(SqliteDatabase, CheckpointsRunInTheBackgroundAndKeepTheWalBounded) {
  TempDir dir;
  SqliteDatabase::Options options;
  options.checkpoint_pages = 8;
  auto db = open_with_table(dir, options);
  const std::string blob(3000, 'x');  // about a page per row
  for (int i = 0; i < 400; ++i) {
    db->write([&](Connection& c) { c.execute("INSERT INTO things (t) VALUES (?)", {blob}); });
  }
  const auto deadline = std::chrono::steady_clock::now() + kStuck;
  while (db->background_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GT(db->background_checkpoints(), 0u);
  // Checkpointed WAL is written again from its start: ~400 pages went through it, far fewer stay.
  EXPECT_LT(std::filesystem::file_size(dir.file("test.db") + "-wal"), 200u * 4096);
  EXPECT_EQ(
      db->read([](Connection& c) { return c.query_one("SELECT count(*) FROM things"); }).int64(0),
      400);
  db->close();
}

// Under steady writes no write finds the WAL copied whole by itself: pages written while the
// background checkpoint ran (here: kept from it by a reader's snapshot) are left. The writer's
// next commit copies them, so the write after it starts the WAL again from its beginning.
TEST(SqliteDatabase, TheWriterFinishesABackgroundCheckpointSoThatTheWalRestarts) {
  TempDir dir;
  constexpr int kThreshold = 100;
  SqliteDatabase::Options options;
  options.checkpoint_pages = kThreshold;
  auto db = open_with_table(dir, options);
  const std::string blob(3000, 'x');
  auto insert = [&] {
    db->write([&](Connection& c) { c.execute("INSERT INTO things (t) VALUES (?)", {blob}); });
  };
  const std::string wal = dir.file("test.db") + "-wal";
  constexpr std::uintmax_t kFrame = 4096 + 24;  // a page and its frame header
  for (int i = 0; i < 10; ++i) insert();
  const std::uintmax_t frames_per_write = std::filesystem::file_size(wal) / kFrame / 10;
  ASSERT_GT(frames_per_write, 0u);
  ASSERT_LT(std::filesystem::file_size(wal) / kFrame, std::uintmax_t{kThreshold});

  std::promise<void> snapshot_taken;
  std::promise<void> release;
  std::thread reader([&] {
    db->read([&](Connection& c) {
      c.execute("BEGIN");
      c.query_one("SELECT count(*) FROM things");
      snapshot_taken.set_value();
      release.get_future().wait();
      c.execute("COMMIT");
    });
  });
  snapshot_taken.get_future().wait();
  int written = 10;
  while (std::filesystem::file_size(wal) / kFrame < std::uintmax_t{kThreshold}) {
    insert();  // up to the threshold: a background checkpoint starts and copies what it may
    ++written;
  }
  const auto deadline = std::chrono::steady_clock::now() + kStuck;
  while (db->background_checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(db->background_checkpoints(), 1u);
  release.set_value();
  reader.join();

  const std::uintmax_t wal_size_before = std::filesystem::file_size(wal);
  for (int i = 0; i < 6; ++i) insert();
  // The WAL's file keeps its largest size: it grew by the one write that copied the rest, then
  // was written again from its start (without the writer's copy it grew by all six).
  EXPECT_LE(std::filesystem::file_size(wal), wal_size_before + frames_per_write * kFrame);
  EXPECT_EQ(
      db->read([](Connection& c) { return c.query_one("SELECT count(*) FROM things"); }).int64(0),
      written + 6);
  db->close();
}

TEST(SqliteDatabase, OpenFailuresAreErrors) {
  TempDir dir;
  try {
    SqliteDatabase::open(dir.file("no/such/dir/test.db"));
    FAIL();
  } catch (const sql::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unable to open database file"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(SqliteDatabase::open(":memory:"), sql::Error);
}

}  // namespace
}  // namespace myelin::sqlite
