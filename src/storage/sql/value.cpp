#include "storage/sql/value.hpp"

#include "storage/sql/error.hpp"

namespace myelin::sql {
namespace {

[[noreturn]] void throw_mismatch(Value::Type wanted, Value::Type got) {
  throw Error(ErrorKind::kType, "expected " + std::string(type_name(wanted)) + ", got " +
                                    std::string(type_name(got)));
}

}  // namespace

std::string_view type_name(Value::Type type) {
  switch (type) {
    case Value::Type::kNull:
      return "NULL";
    case Value::Type::kInteger:
      return "integer";
    case Value::Type::kReal:
      return "real";
    case Value::Type::kText:
      return "text";
    case Value::Type::kBlob:
      return "blob";
  }
  return "unknown";
}

std::int64_t Value::as_int64() const {
  if (const auto* v = std::get_if<std::int64_t>(&data_)) return *v;
  throw_mismatch(Type::kInteger, type());
}

double Value::as_double() const {
  if (const auto* v = std::get_if<double>(&data_)) return *v;
  if (const auto* v = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*v);
  throw_mismatch(Type::kReal, type());
}

const std::string& Value::as_text() const {
  if (const auto* v = std::get_if<std::string>(&data_)) return *v;
  throw_mismatch(Type::kText, type());
}

const Blob& Value::as_blob() const {
  if (const auto* v = std::get_if<Blob>(&data_)) return *v;
  throw_mismatch(Type::kBlob, type());
}

}  // namespace myelin::sql
