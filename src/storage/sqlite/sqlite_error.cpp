#include "storage/sqlite/sqlite_error.hpp"

#include <sqlite3.h>

#include <string>

#include "storage/sql/error.hpp"

namespace myelin::sqlite {
namespace {

sql::ErrorKind kind_of(int rc) {
  switch (rc & 0xff) {  // the primary result code of an extended one
    case SQLITE_CONSTRAINT:
      return sql::ErrorKind::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return sql::ErrorKind::kBusy;
    default:
      return sql::ErrorKind::kOther;
  }
}

}  // namespace

void throw_error(sqlite3* db, int rc, std::string_view context) {
  // sqlite3_errmsg describes the most recent failure on this connection, which is this one:
  // a connection is only ever used by one thread at a time.
  std::string message = "sqlite: ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += " (code " + std::to_string(rc) + ")";
  if (!context.empty()) {
    message += " in: ";
    message += context;
  }
  throw sql::Error(kind_of(rc), message);
}

}  // namespace myelin::sqlite
