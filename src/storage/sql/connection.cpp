#include "storage/sql/connection.hpp"

#include <cassert>
#include <string>

#include "storage/sql/error.hpp"

namespace myelin::sql {
namespace {

std::string savepoint_name(int depth) { return "myelin_savepoint_" + std::to_string(depth); }

}  // namespace

std::vector<Row> Connection::query(std::string_view sql, const Params& params) {
  std::vector<Row> rows;
  query_each(sql, params, [&rows](Row&& row) {
    rows.push_back(std::move(row));
    return true;
  });
  return rows;
}

Row Connection::query_one(std::string_view sql, const Params& params) {
  std::optional<Row> row = query_optional(sql, params);
  if (!row) throw Error(ErrorKind::kOther, "query returned no row: " + std::string(sql));
  return std::move(*row);
}

std::optional<Row> Connection::query_optional(std::string_view sql, const Params& params) {
  std::optional<Row> first;
  query_each(sql, params, [&first](Row&& row) {
    first.emplace(std::move(row));
    return false;
  });
  return first;
}

void Connection::begin() {
  if (transaction_depth_ == 0) {
    begin_outermost();
  } else {
    execute("SAVEPOINT " + savepoint_name(transaction_depth_));
  }
  ++transaction_depth_;
}

void Connection::commit() {
  assert(transaction_depth_ > 0);
  if (transaction_depth_ == 1) {
    execute("COMMIT");
  } else {
    execute("RELEASE SAVEPOINT " + savepoint_name(transaction_depth_ - 1));
  }
  --transaction_depth_;
}

void Connection::rollback() {
  assert(transaction_depth_ > 0);
  // The depth drops even if the statement fails: the transaction is over either way (a failed
  // ROLLBACK means the backend already rolled back).
  const int depth = transaction_depth_--;
  if (depth == 1) {
    execute("ROLLBACK");
  } else {
    const std::string name = savepoint_name(depth - 1);
    execute("ROLLBACK TO SAVEPOINT " + name);
    execute("RELEASE SAVEPOINT " + name);
  }
}

}  // namespace myelin::sql
