#include "storage/sql/migrator.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include "storage/sql/error.hpp"
#include "storage/sql/transaction.hpp"

namespace myelin::sql {
namespace {

constexpr std::string_view kCreateSchemaVersion =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " applied_at_ms {{BIGINT}} NOT NULL)";

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Migrator::Migrator(std::vector<Migration> migrations, Clock now_ms)
    : migrations_(std::move(migrations)), now_ms_(now_ms ? std::move(now_ms) : system_now_ms) {
  int previous = 0;
  for (const Migration& m : migrations_) {
    // Checked in release builds too: applying migrations out of order would corrupt the schema.
    if (m.version <= previous) {
      throw std::logic_error("migrations must be in strictly increasing version order, above 0");
    }
    previous = m.version;
  }
}

int Migrator::latest_version() const {
  return migrations_.empty() ? 0 : migrations_.back().version;
}

int Migrator::current_version(Connection& connection) {
  // Asking the table itself would need backend-specific catalogue queries; creating it is
  // idempotent and harmless.
  connection.execute(connection.dialect().expand_tokens(kCreateSchemaVersion));
  const Row row = connection.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return static_cast<int>(row.int64(0));
}

Migrator::Report Migrator::migrate(Database& database) const {
  return database.write([this](Connection& connection) {
    Report report;
    report.from_version = current_version(connection);
    report.to_version = report.from_version;
    if (report.from_version > latest_version()) {
      throw Error(ErrorKind::kSchema,
                  "the database schema is at version " + std::to_string(report.from_version) +
                      ", newer than this build of myelin understands (" +
                      std::to_string(latest_version()) +
                      "); refusing to open it: run a newer myelin or restore a backup");
    }
    // Every listed migration without a record is applied, also one numbered below the highest
    // recorded: migrations written in parallel can land in either order.
    std::set<int> recorded;
    for (const Row& row : connection.query("SELECT version FROM schema_version")) {
      recorded.insert(static_cast<int>(row.int64(0)));
    }
    for (const Migration& migration : migrations_) {
      if (recorded.contains(migration.version)) continue;
      if (apply(connection, migration)) report.applied.push_back(migration.version);
    }
    report.to_version = std::max(report.from_version, latest_version());
    return report;
  });
}

bool Migrator::apply(Connection& connection, const Migration& migration) const {
  try {
    Transaction transaction(connection);
    const Dialect& dialect = connection.dialect();
    if (!dialect.migration_lock().empty()) connection.query(dialect.migration_lock());
    // Another process starting at the same time may have applied it since we looked.
    if (connection.query_optional("SELECT 1 FROM schema_version WHERE version = ?",
                                  {migration.version})) {
      return false;
    }
    connection.execute_script(dialect.expand_tokens(migration.sql_for(dialect.name())));
    connection.execute(
        "INSERT INTO schema_version (version, description, applied_at_ms) VALUES (?, ?, ?)",
        {migration.version, migration.description, now_ms_()});
    transaction.commit();
    return true;
  } catch (const Error& e) {
    throw Error(ErrorKind::kSchema, "schema migration " + std::to_string(migration.version) + " (" +
                                        migration.description + ") failed: " + e.what());
  }
}

}  // namespace myelin::sql
