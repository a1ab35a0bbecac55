#pragma once

#include <cassert>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace myelin::sql {

// Bytes stored as a BLOB rather than TEXT (keys, hashes, media): a distinct type so that a string
// is never stored as a blob by accident, or the other way round.
struct Blob {
  std::string bytes;

  bool operator==(const Blob&) const = default;
};

// One SQL value: the five storage classes every backend we target shares.
class Value {
 public:
  enum class Type { kNull, kInteger, kReal, kText, kBlob };

  Value() = default;
  Value(std::nullptr_t) {}
  // Every integer type (and bool, as 0/1) is stored as a 64-bit integer; unsigned values above
  // INT64_MAX cannot be represented and are a caller bug.
  template <std::integral I>
  Value(I v) : data_(static_cast<std::int64_t>(v)) {
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      assert(v <= static_cast<I>(INT64_MAX));
    }
  }
  Value(double v) : data_(v) {}
  Value(std::string v) : data_(std::move(v)) {}
  Value(std::string_view v) : data_(std::string(v)) {}
  Value(const char* v) : data_(std::string(v)) {}
  Value(Blob v) : data_(std::move(v)) {}
  template <typename T>
  Value(std::optional<T> v) {
    if (v) *this = Value(std::move(*v));
  }

  Type type() const { return static_cast<Type>(data_.index()); }
  bool is_null() const { return type() == Type::kNull; }

  // Typed access: throws sql::Error (ErrorKind::kType) naming both types on a mismatch.
  std::int64_t as_int64() const;
  double as_double() const;  // integers are widened, as SQL does
  const std::string& as_text() const;
  const Blob& as_blob() const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<std::monostate, std::int64_t, double, std::string, Blob> data_;
};

std::string_view type_name(Value::Type type);

// Parameters bound to the `?` placeholders of one statement, in order.
using Params = std::vector<Value>;

}  // namespace myelin::sql
