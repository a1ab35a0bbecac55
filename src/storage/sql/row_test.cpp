#include "storage/sql/row.hpp"

#include <gtest/gtest.h>

#include "storage/sql/error.hpp"

namespace myelin::sql {
namespace {

Row sample_row() {
  auto columns = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"stream_ordering", "event_id", "json", "redacted_by"});
  return Row(columns, {Value(42), Value("$abc"), Value(Blob{"{}"}), Value()});
}

TEST(Row, TypedGetters) {
  const Row row = sample_row();
  EXPECT_EQ(row.size(), 4u);
  EXPECT_EQ(row.int64(0), 42);
  EXPECT_EQ(row.text(1), "$abc");
  EXPECT_EQ(row.blob(2), Blob{"{}"});
  EXPECT_TRUE(row.is_null(3));
  EXPECT_EQ(row.optional_text(3), std::nullopt);
  EXPECT_EQ(row.optional_text(1), "$abc");
  EXPECT_EQ(row.optional_int64(0), 42);
  EXPECT_EQ(row.column_name(1), "event_id");
}

TEST(Row, MismatchNamesTheColumn) {
  const Row row = sample_row();
  try {
    (void)row.int64(1);
    FAIL() << "a text column read as an integer";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kType);
    EXPECT_STREQ(e.what(), "column 1 (event_id): expected integer, got text");
  }
  // NULL is not an integer, and an optional getter still checks a non-NULL value's type.
  EXPECT_THROW((void)row.int64(3), Error);
  EXPECT_THROW((void)row.optional_int64(1), Error);
}

TEST(Row, IndexOutOfRange) {
  const Row row = sample_row();
  try {
    (void)row.text(4);
    FAIL() << "column 4 of a 4-column row";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "column 4 out of range: the row has 4 columns");
  }
}

}  // namespace
}  // namespace myelin::sql
