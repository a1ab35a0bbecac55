#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "storage/sql/database.hpp"
#include "storage/sql/migration.hpp"

namespace myelin::sql {

// Brings a database's schema up to the code's at start-up. Applied versions are recorded in the
// `schema_version` table; every listed migration without a record is pending (not only those
// above the highest recorded one), and each pending migration runs in its own transaction together
// with its record, so a failing one leaves no trace. A database newer than the code is refused
// rather than guessed at: an older binary must not write a schema it does not understand.
class Migrator {
 public:
  struct Report {
    int from_version = 0;
    int to_version = 0;
    std::vector<int> applied;  // by this call (not by a process migrating concurrently)
  };

  using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch

  // `migrations` must be in strictly increasing version order starting above 0; otherwise
  // std::logic_error (they are part of the code, not input).
  explicit Migrator(std::vector<Migration> migrations, Clock now_ms = {});

  int latest_version() const;

  // Applies pending migrations with the writer connection. Throws sql::Error (kSchema) when the
  // database is newer than the code or a migration fails; the message names the migration.
  Report migrate(Database& database) const;

  // The highest recorded version, or 0 for a database without a schema_version table.
  static int current_version(Connection& connection);

 private:
  // Applies one migration in its own transaction; false when another process already had.
  bool apply(Connection& connection, const Migration& migration) const;

  std::vector<Migration> migrations_;
  Clock now_ms_;
};

}  // namespace myelin::sql
