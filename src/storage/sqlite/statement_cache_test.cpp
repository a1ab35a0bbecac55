#include "storage/sqlite/statement_cache.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/test_temp_dir.hpp"

namespace myelin::sqlite {
namespace {

SqliteConnection::Options writer_options(std::size_t cache_size) {
  SqliteConnection::Options options;
  options.statement_cache_size = cache_size;
  return options;
}

TEST(StatementCache, ReusesPreparedStatements) {
  TempDir dir;
  SqliteConnection c(dir.file("test.db"), writer_options(8));
  c.execute("CREATE TABLE t (n INTEGER)");
  const auto before = c.statement_cache_stats();
  for (int i = 0; i < 10; ++i) c.execute("INSERT INTO t VALUES (?)", {i});
  EXPECT_EQ(c.statement_cache_stats().prepared, before.prepared + 1);
  EXPECT_EQ(c.statement_cache_stats().reused, before.reused + 9);
  // A reused statement starts afresh: bindings and position from the last run are gone.
  EXPECT_EQ(c.query_one("SELECT SUM(n) FROM t").int64(0), 45);
  EXPECT_EQ(c.query_one("SELECT SUM(n) FROM t").int64(0), 45);
  EXPECT_EQ(c.query_one("SELECT n FROM t WHERE n > ? ORDER BY n", {7}).int64(0), 8);
  EXPECT_EQ(c.query("SELECT n FROM t WHERE n > ? ORDER BY n", {7}).size(), 2u);
}

TEST(StatementCache, EvictsTheLeastRecentlyUsed) {
  TempDir dir;
  SqliteConnection c(dir.file("test.db"), writer_options(2));
  const auto base = c.statement_cache_stats().prepared;
  c.query("SELECT 1");
  c.query("SELECT 2");
  c.query("SELECT 1");  // hit; SELECT 2 is now the least recently used
  c.query("SELECT 3");  // evicts SELECT 2
  c.query("SELECT 1");  // still cached
  EXPECT_EQ(c.statement_cache_stats().prepared, base + 3);
  c.query("SELECT 2");  // prepared again
  EXPECT_EQ(c.statement_cache_stats().prepared, base + 4);
}

TEST(StatementCache, TheSameQueryMayRunInsideItsOwnRowVisitor) {
  TempDir dir;
  SqliteConnection c(dir.file("test.db"), writer_options(8));
  c.execute_script("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  const char* sql = "SELECT n FROM t WHERE n >= ? ORDER BY n";
  std::vector<std::int64_t> seen;
  c.query_each(sql, {1}, [&](sql::Row&& outer) {
    seen.push_back(outer.int64(0));
    for (const sql::Row& inner : c.query(sql, {outer.int64(0)})) seen.push_back(inner.int64(0));
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 1, 2, 3, 2, 2, 3, 3, 3}));
}

TEST(StatementCache, VisitorsMayStopEarly) {
  TempDir dir;
  SqliteConnection c(dir.file("test.db"), writer_options(8));
  c.execute_script("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  int visited = 0;
  c.query_each("SELECT n FROM t", {}, [&](sql::Row&&) { return ++visited < 2; });
  EXPECT_EQ(visited, 2);
  // The statement was reset on its way back to the cache: the next run starts at the top.
  EXPECT_EQ(c.query("SELECT n FROM t").size(), 3u);
}

}  // namespace
}  // namespace myelin::sqlite
