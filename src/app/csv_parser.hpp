#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"

namespace myelin::app {

// One record of a CSV file and the line it starts on (1-based), for error messages.
struct CsvRecord {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may
// hold commas, line breaks and doubled quotes (""). Blank lines are skipped, a trailing line
// break is optional. Fails on a quote inside an unquoted field, text after a closing quote, or
// a quoted field that never ends, naming the line.
Expected<std::vector<CsvRecord>> parse_csv(std::string_view text);

}  // namespace myelin::app
