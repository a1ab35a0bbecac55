#pragma once

#include "storage/sql/connection.hpp"

namespace myelin::sql {

// A transaction scope: begins on construction, commits only when commit() is called, and rolls
// back in the destructor otherwise — on an early return or an exception alike. Nested scopes on
// the same connection become savepoints, so stores can compose.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();

  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();
  void rollback();

  Connection& connection() { return connection_; }

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace myelin::sql
