#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/value.hpp"

namespace myelin::sql {

// One result row, read by column index in SELECT order. The typed getters throw sql::Error
// (ErrorKind::kType) naming the column and both types when a column holds something else, so a
// store reading the wrong column fails loudly rather than misreading data.
class Row {
 public:
  using ColumnNames = std::shared_ptr<const std::vector<std::string>>;

  Row(ColumnNames columns, std::vector<Value> values);

  std::size_t size() const { return values_.size(); }
  const std::string& column_name(std::size_t index) const;
  const Value& at(std::size_t index) const;
  bool is_null(std::size_t index) const { return at(index).is_null(); }

  std::int64_t int64(std::size_t index) const;
  double real(std::size_t index) const;
  const std::string& text(std::size_t index) const;
  const Blob& blob(std::size_t index) const;
  bool boolean(std::size_t index) const { return int64(index) != 0; }

  // NULL reads as nullopt; any other type must match.
  std::optional<std::int64_t> optional_int64(std::size_t index) const;
  std::optional<std::string> optional_text(std::size_t index) const;
  std::optional<Blob> optional_blob(std::size_t index) const;

  const std::vector<Value>& values() const { return values_; }

 private:
  template <typename Read>
  decltype(auto) read(std::size_t index, Read read_value) const;

  ColumnNames columns_;
  std::vector<Value> values_;
};

}  // namespace myelin::sql
