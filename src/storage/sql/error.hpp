#pragma once

#include <stdexcept>
#include <string>

namespace myelin::sql {

// What went wrong, as far as a caller may want to branch on it: a unique-constraint violation is
// how a store learns that a row already exists; everything else is a storage failure that the
// service layer turns into 500 M_UNKNOWN.
enum class ErrorKind {
  kOther,
  kConstraint,  // a UNIQUE / NOT NULL / FOREIGN KEY / CHECK constraint rejected the change
  kBusy,        // the database stayed locked past the busy timeout
  kType,        // a column read as the wrong type (a bug in the calling store)
  kSchema,      // the schema is missing, newer than the code, or a migration failed
};

// Storage errors are exceptional: they carry the backend's own message.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}

  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace myelin::sql
