#include "storage/sql/value.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "storage/sql/error.hpp"

namespace myelin::sql {
namespace {

TEST(Value, TypesFollowTheConstructor) {
  EXPECT_EQ(Value().type(), Value::Type::kNull);
  EXPECT_EQ(Value(nullptr).type(), Value::Type::kNull);
  EXPECT_EQ(Value(7).type(), Value::Type::kInteger);
  EXPECT_EQ(Value(true).as_int64(), 1);
  EXPECT_EQ(Value(std::uint32_t{4000000000u}).as_int64(), 4000000000);
  EXPECT_EQ(Value(1.5).type(), Value::Type::kReal);
  EXPECT_EQ(Value("text").type(), Value::Type::kText);
  EXPECT_EQ(Value(std::string_view("view")).as_text(), "view");
  EXPECT_EQ(Value(Blob{std::string("\x00\x01", 2)}).type(), Value::Type::kBlob);
  EXPECT_EQ(Value(std::optional<std::string>()).type(), Value::Type::kNull);
  EXPECT_EQ(Value(std::optional<std::int64_t>(5)).as_int64(), 5);
}

TEST(Value, Extremes) {
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(Value(min).as_int64(), min);
  EXPECT_EQ(Value(max).as_int64(), max);
}

TEST(Value, IntegersWidenToReal) { EXPECT_DOUBLE_EQ(Value(3).as_double(), 3.0); }

TEST(Value, MismatchNamesBothTypes) {
  try {
    (void)Value("12").as_int64();
    FAIL() << "a text value read as an integer";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kType);
    EXPECT_STREQ(e.what(), "expected integer, got text");
  }
  EXPECT_THROW((void)Value().as_text(), Error);
  EXPECT_THROW((void)Value("x").as_blob(), Error);
  EXPECT_THROW((void)Value(Blob{"x"}).as_text(), Error);
  EXPECT_THROW((void)Value(1.5).as_int64(), Error);
}

TEST(Value, TextAndBlobAreDistinct) { EXPECT_NE(Value("ab"), Value(Blob{"ab"})); }

}  // namespace
}  // namespace myelin::sql
