#include "app/csv_parser.hpp"

namespace myelin::app {

namespace {

bool is_line_break(char c) { return c == '\n' || c == '\r'; }

// Consumes one line break (CRLF, LF or a lone CR) at `pos`.
std::size_t skip_line_break(std::string_view text, std::size_t pos) {
  if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') return pos + 2;
  return pos + 1;
}

}  // namespace

Expected<std::vector<CsvRecord>> parse_csv(std::string_view text) {
  // A UTF-8 byte order mark, as spreadsheet programs write, is not part of the first field.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  std::size_t line = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (is_line_break(text[pos])) {  // a blank line
      pos = skip_line_break(text, pos);
      ++line;
      continue;
    }
    CsvRecord record{.line = line, .fields = {}};
    while (true) {
      std::string field;
      if (pos < text.size() && text[pos] == '"') {
        const std::size_t opened_on = line;
        ++pos;
        while (true) {
          if (pos >= text.size()) {
            return fail("line " + std::to_string(opened_on) + ": quoted field never closed");
          }
          const char c = text[pos];
          if (c == '"') {
            if (pos + 1 < text.size() && text[pos + 1] == '"') {
              field += '"';
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          if (c == '\n' || (c == '\r' && (pos + 1 >= text.size() || text[pos + 1] != '\n'))) {
            ++line;
          }
          field += c;
          ++pos;
        }
        if (pos < text.size() && text[pos] != ',' && !is_line_break(text[pos])) {
          return fail("line " + std::to_string(line) + ": text after a closing quote");
        }
      } else {
        while (pos < text.size() && text[pos] != ',' && !is_line_break(text[pos])) {
          if (text[pos] == '"') {
            return fail("line " + std::to_string(line) +
                        ": a quote inside an unquoted field (quote the whole field)");
          }
          field += text[pos++];
        }
      }
      record.fields.push_back(std::move(field));
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      break;
    }
    records.push_back(std::move(record));
    if (pos < text.size()) {
      pos = skip_line_break(text, pos);
      ++line;
    }
  }
  return records;
}

}  // namespace myelin::app
