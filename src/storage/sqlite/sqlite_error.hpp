#pragma once

#include <string_view>

struct sqlite3;

namespace myelin::sqlite {

// Throws sql::Error carrying SQLite's own message for `rc` on `db`, the extended result code and
// what was being done (usually the SQL text), classified into sql::ErrorKind.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view context);

}  // namespace myelin::sqlite
