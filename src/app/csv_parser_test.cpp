#include "app/csv_parser.hpp"

#include <gtest/gtest.h>

namespace myelin::app {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> parse_ok(std::string_view text) {
  auto parsed = parse_csv(text);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error());
  return parsed ? *parsed : std::vector<CsvRecord>{};
}

TEST(CsvParser, PlainRecordsWithAndWithoutFinalLineBreak) {
  auto records = parse_ok("a,b,c\n1,2,3");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(parse_ok("a,b\r\n1,2\r\n").size(), 2u);
}

TEST(CsvParser, EmptyFieldsAreKept) {
  auto records = parse_ok(",x,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"", "x", ""}));
}

TEST(CsvParser, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto records = parse_ok("name,note\r\n\"Smith, Jo\",\"say \"\"hi\"\"\nagain\"\r\nlast,\"\"\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (Fields{"Smith, Jo", "say \"hi\"\nagain"}));
  EXPECT_EQ(records[1].line, 2u);
  // The record after a quoted line break starts on line 4.
  EXPECT_EQ(records[2].line, 4u);
  EXPECT_EQ(records[2].fields, (Fields{"last", ""}));
}

TEST(CsvParser, BlankLinesAndByteOrderMarkAreSkipped) {
  auto records = parse_ok("\xEF\xBB\xBFu,p\n\n\nx,y\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"u", "p"}));
  EXPECT_EQ(records[1].line, 4u);
  EXPECT_TRUE(parse_ok("").empty());
}

TEST(CsvParser, MalformedInputNamesTheLine) {
  auto unclosed = parse_csv("a,b\n\"open,x\n");
  ASSERT_FALSE(unclosed.has_value());
  EXPECT_EQ(unclosed.error(), "line 2: quoted field never closed");

  auto stray = parse_csv("a,b\nx\"y,z\n");
  ASSERT_FALSE(stray.has_value());
  EXPECT_NE(stray.error().find("line 2"), std::string::npos);

  auto after = parse_csv("\"a\"b,c\n");
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error(), "line 1: text after a closing quote");
}

}  // namespace
}  // namespace myelin::app
