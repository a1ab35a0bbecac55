#include "storage/sql/transaction.hpp"

#include <cassert>

namespace myelin::sql {

Transaction::Transaction(Connection& connection) : connection_(connection) { connection_.begin(); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.rollback();
  } catch (...) {
    // A destructor must not throw; a failed rollback leaves nothing more to undo (the backend
    // ends the transaction itself when a rollback fails).
  }
}

void Transaction::commit() {
  assert(open_);
  connection_.commit();
  // Only now: when COMMIT fails the transaction is still open and the destructor rolls it back.
  open_ = false;
}

void Transaction::rollback() {
  assert(open_);
  open_ = false;
  connection_.rollback();
}

}  // namespace myelin::sql
