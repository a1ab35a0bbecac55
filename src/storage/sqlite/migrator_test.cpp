#include "storage/sql/migrator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <latch>
#include <stdexcept>

#include "storage/sql/error.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/sqlite/test_temp_dir.hpp"

namespace myelin::sqlite {
namespace {

using sql::Connection;
using sql::Migration;
using sql::Migrator;

std::vector<Migration> first_two() {
  return {
      {1, "users",
       "CREATE TABLE users (user_id TEXT PRIMARY KEY, created_ms {{BIGINT}} NOT NULL);"
       "CREATE INDEX users_by_created ON users (created_ms);"},
      {2, "media",
       "CREATE TABLE media (media_id {{AUTOINCREMENT}}, sha256 {{BLOB}} NOT NULL,"
       " uploader TEXT NOT NULL REFERENCES users (user_id))"},
  };
}

Migrator::Clock fixed_clock(std::int64_t ms) {
  return [ms] { return ms; };
}

bool table_exists(sql::Database& db, const std::string& name) {
  return db.read([&](Connection& c) {
    return c.query_optional("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {name})
        .has_value();
  });
}

int version_of(sql::Database& db) {
  return db.read([](Connection& c) {
    return static_cast<int>(
        c.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version").int64(0));
  });
}

TEST(Migrator, AppliesPendingMigrationsOnceAndRecordsThem) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("homeserver.db"));
  const Migrator migrator(first_two(), fixed_clock(1700000000000));
  EXPECT_EQ(migrator.latest_version(), 2);

  const Migrator::Report report = migrator.migrate(*db);
  EXPECT_EQ(report.from_version, 0);
  EXPECT_EQ(report.to_version, 2);
  EXPECT_EQ(report.applied, (std::vector<int>{1, 2}));
  EXPECT_TRUE(table_exists(*db, "users"));
  EXPECT_TRUE(table_exists(*db, "media"));

  const auto rows = db->read([](Connection& c) {
    return c.query("SELECT version, description, applied_at_ms FROM schema_version ORDER BY 1");
  });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].int64(0), 1);
  EXPECT_EQ(rows[0].text(1), "users");
  EXPECT_EQ(rows[1].int64(0), 2);
  EXPECT_EQ(rows[1].text(1), "media");
  EXPECT_EQ(rows[1].int64(2), 1700000000000);

  // The tokens became real SQLite types: AUTOINCREMENT numbers rows and never reuses an ID.
  db->write([](Connection& c) {
    c.execute("INSERT INTO users (user_id, created_ms) VALUES ('@a:example.org', 1)");
    c.execute("INSERT INTO media (sha256, uploader) VALUES (?, '@a:example.org')",
              {sql::Blob{"h1"}});
    EXPECT_EQ(c.last_insert_id(), 1);
    c.execute("DELETE FROM media");
    c.execute("INSERT INTO media (sha256, uploader) VALUES (?, '@a:example.org')",
              {sql::Blob{"h2"}});
    EXPECT_EQ(c.last_insert_id(), 2);
  });
}

TEST(Migrator, ReopeningIsANoOpAndLaterMigrationsApplyAlone) {
  TempDir dir;
  const std::string path = dir.file("homeserver.db");
  {
    auto db = SqliteDatabase::open(path);
    Migrator(first_two()).migrate(*db);
  }
  {
    auto db = SqliteDatabase::open(path);
    const Migrator::Report report = Migrator(first_two()).migrate(*db);
    EXPECT_EQ(report.from_version, 2);
    EXPECT_EQ(report.to_version, 2);
    EXPECT_TRUE(report.applied.empty());
  }
  auto migrations = first_two();
  migrations.push_back({3, "devices", "CREATE TABLE devices (device_id TEXT PRIMARY KEY)"});
  auto db = SqliteDatabase::open(path);
  const Migrator::Report report = Migrator(migrations).migrate(*db);
  EXPECT_EQ(report.applied, (std::vector<int>{3}));
  EXPECT_TRUE(table_exists(*db, "devices"));
  EXPECT_EQ(version_of(*db), 3);
}

TEST(Migrator, AppliesAMigrationNumberedBelowTheHighestRecorded) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("homeserver.db"));
  std::vector<Migration> without_two = first_two();
  without_two.erase(without_two.begin() + 1);
  without_two.push_back({3, "rooms", "CREATE TABLE rooms (room_id TEXT PRIMARY KEY);"});
  Migrator(without_two, fixed_clock(1)).migrate(*db);
  EXPECT_FALSE(table_exists(*db, "media"));

  // Migration 2 landed after 3 had been applied somewhere: it still applies, alone.
  std::vector<Migration> all = first_two();
  all.push_back(without_two.back());
  const Migrator::Report report = Migrator(all, fixed_clock(2)).migrate(*db);
  EXPECT_EQ(report.applied, (std::vector<int>{2}));
  EXPECT_EQ(report.from_version, 3);
  EXPECT_EQ(report.to_version, 3);
  EXPECT_TRUE(table_exists(*db, "media"));
}

TEST(Migrator, RefusesADatabaseNewerThanTheCode) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("homeserver.db"));
  auto migrations = first_two();
  migrations.push_back({3, "devices", "CREATE TABLE devices (device_id TEXT PRIMARY KEY)"});
  Migrator(migrations).migrate(*db);

  try {
    Migrator(first_two()).migrate(*db);
    FAIL() << "an older build accepted a newer schema";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.kind(), sql::ErrorKind::kSchema);
    EXPECT_STREQ(e.what(),
                 "the database schema is at version 3, newer than this build of myelin "
                 "understands (2); refusing to open it: run a newer myelin or restore a backup");
  }
  EXPECT_EQ(version_of(*db), 3);
  EXPECT_TRUE(table_exists(*db, "devices"));
}

TEST(Migrator, AFailingMigrationRollsBackEntirely) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("homeserver.db"));
  auto migrations = first_two();
  migrations.push_back({3, "rooms (broken)",
                        "CREATE TABLE rooms (room_id TEXT PRIMARY KEY);"
                        "INSERT INTO rooms VALUES ('!a:example.org');"
                        "ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;"
                        "INSERT INTO no_such_table VALUES (1);"});
  try {
    Migrator(migrations).migrate(*db);
    FAIL() << "the broken migration succeeded";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.kind(), sql::ErrorKind::kSchema);
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with("schema migration 3 (rooms (broken)) failed: sqlite: "))
        << message;
    EXPECT_NE(message.find("no such table: no_such_table"), std::string::npos) << message;
  }
  // Migrations 1 and 2 committed on their own; nothing of 3 remains, not even its DDL.
  EXPECT_EQ(version_of(*db), 2);
  EXPECT_TRUE(table_exists(*db, "media"));
  EXPECT_FALSE(table_exists(*db, "rooms"));
  const auto columns = db->read(
      [](Connection& c) { return c.query("SELECT name FROM pragma_table_info('users')"); });
  EXPECT_EQ(columns.size(), 2u);

  // A corrected migration 3 then applies.
  migrations.back().sql = "CREATE TABLE rooms (room_id TEXT PRIMARY KEY)";
  EXPECT_EQ(Migrator(migrations).migrate(*db).applied, (std::vector<int>{3}));
  EXPECT_TRUE(table_exists(*db, "rooms"));
}

// Two processes starting at once (two databases on one file here): each migration is applied
// exactly once, by one of them, and neither fails.
TEST(Migrator, ConcurrentStartUpsApplyEachMigrationOnce) {
  TempDir dir;
  const std::string path = dir.file("homeserver.db");
  auto first = SqliteDatabase::open(path);
  auto second = SqliteDatabase::open(path);
  auto migrations = first_two();
  migrations.push_back({3, "devices", "CREATE TABLE devices (device_id TEXT PRIMARY KEY)"});
  const Migrator migrator(migrations);

  std::latch start(2);
  auto migrate = [&](sql::Database* db) {
    start.arrive_and_wait();
    return migrator.migrate(*db);
  };
  auto a = std::async(std::launch::async, migrate, first.get());
  auto b = std::async(std::launch::async, migrate, second.get());
  const Migrator::Report ra = a.get();
  const Migrator::Report rb = b.get();

  std::vector<int> applied = ra.applied;
  applied.insert(applied.end(), rb.applied.begin(), rb.applied.end());
  std::sort(applied.begin(), applied.end());
  EXPECT_EQ(applied, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ra.to_version, 3);
  EXPECT_EQ(rb.to_version, 3);
  EXPECT_EQ(first->read([](Connection& c) {
    return c.query_one("SELECT COUNT(*) FROM schema_version").int64(0);
  }),
            3);
}

TEST(Migrator, PerBackendVariantWins) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("homeserver.db"));
  Migration m{1, "search", "CREATE TABLE generic_search (x TEXT)"};
  m.per_backend["sqlite"] = "CREATE TABLE search_for_sqlite (x TEXT)";
  m.per_backend["postgres"] = "CREATE TABLE search_for_postgres (x TEXT)";
  Migrator({m}).migrate(*db);
  EXPECT_TRUE(table_exists(*db, "search_for_sqlite"));
  EXPECT_FALSE(table_exists(*db, "generic_search"));
  EXPECT_FALSE(table_exists(*db, "search_for_postgres"));
}

TEST(Migrator, AnEmptyDatabaseIsAtVersionZero) {
  TempDir dir;
  auto db = SqliteDatabase::open(dir.file("homeserver.db"));
  EXPECT_EQ(db->write([](Connection& c) { return Migrator::current_version(c); }), 0);
  EXPECT_EQ(Migrator({}).migrate(*db).to_version, 0);
}

TEST(Migrator, OutOfOrderMigrationsAreABug) {
  EXPECT_THROW(Migrator({{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}}), std::logic_error);
  EXPECT_THROW(Migrator({{1, "a", "SELECT 1"}, {1, "again", "SELECT 1"}}), std::logic_error);
  EXPECT_THROW(Migrator({{0, "zero", "SELECT 1"}}), std::logic_error);
}

}  // namespace
}  // namespace myelin::sqlite
