#include "storage/sql/row.hpp"

#include "storage/sql/error.hpp"

namespace myelin::sql {

Row::Row(ColumnNames columns, std::vector<Value> values)
    : columns_(std::move(columns)), values_(std::move(values)) {}

const std::string& Row::column_name(std::size_t index) const {
  static const std::string kUnnamed;
  if (!columns_ || index >= columns_->size()) return kUnnamed;
  return (*columns_)[index];
}

const Value& Row::at(std::size_t index) const {
  if (index >= values_.size()) {
    throw Error(ErrorKind::kType, "column " + std::to_string(index) +
                                      " out of range: the row has " +
                                      std::to_string(values_.size()) + " columns");
  }
  return values_[index];
}

template <typename Read>
decltype(auto) Row::read(std::size_t index, Read read_value) const {
  const Value& value = at(index);
  try {
    return read_value(value);
  } catch (const Error& e) {
    throw Error(ErrorKind::kType,
                "column " + std::to_string(index) + " (" + column_name(index) + "): " + e.what());
  }
}

std::int64_t Row::int64(std::size_t index) const {
  return read(index, [](const Value& v) { return v.as_int64(); });
}

double Row::real(std::size_t index) const {
  return read(index, [](const Value& v) { return v.as_double(); });
}

const std::string& Row::text(std::size_t index) const {
  return read(index, [](const Value& v) -> const std::string& { return v.as_text(); });
}

const Blob& Row::blob(std::size_t index) const {
  return read(index, [](const Value& v) -> const Blob& { return v.as_blob(); });
}

std::optional<std::int64_t> Row::optional_int64(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return int64(index);
}

std::optional<std::string> Row::optional_text(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return text(index);
}

std::optional<Blob> Row::optional_blob(std::size_t index) const {
  if (is_null(index)) return std::nullopt;
  return blob(index);
}

}  // namespace myelin::sql
