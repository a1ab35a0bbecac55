#include "app/user_csv.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "app/csv_parser.hpp"

namespace myelin::app {

namespace {

constexpr std::array<std::string_view, 5> kColumns = {"username", "password", "admin",
                                                      "displayname", "user_type"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

// The row's user, or the reason it cannot be registered.
Expected<NewUser> read_row(const std::map<std::string, std::size_t>& columns,
                           const std::vector<std::string>& fields) {
  auto field = [&](std::string_view name) -> std::optional<std::string> {
    auto it = columns.find(std::string(name));
    if (it == columns.end()) return std::nullopt;
    return fields[it->second];
  };
  NewUser user;
  // Names and flags are trimmed; a password is taken exactly as written.
  user.username = trimmed(*field("username"));
  user.password = *field("password");
  if (user.username.empty()) return fail("username is empty");
  if (user.password.empty()) return fail("password is empty");
  if (auto admin = field("admin")) {
    std::optional<bool> flag = parse_yes_no(trimmed(*admin));
    if (!flag) return fail("admin must be true or false, not \"" + *admin + "\"");
    user.admin = *flag;
  }
  if (auto name = field("displayname"); name && !name->empty()) user.displayname = *name;
  if (auto type = field("user_type"); type && !trimmed(*type).empty()) {
    user.user_type = trimmed(*type);
  }
  return user;
}

}  // namespace

std::optional<bool> parse_yes_no(std::string_view text) {
  const std::string value = lower(text);
  if (value == "true" || value == "yes" || value == "y" || value == "1") return true;
  if (value == "false" || value == "no" || value == "n" || value == "0" || value.empty()) {
    return false;
  }
  return std::nullopt;
}

Expected<std::vector<UserRow>> parse_user_csv(std::string_view text) {
  auto records = parse_csv(text);
  if (!records) return fail(records.error());
  if (records->empty()) return fail("the file is empty (expected a header row)");
  std::map<std::string, std::size_t> columns;
  const CsvRecord& header = records->front();
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = lower(trimmed(header.fields[i]));
    if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end()) {
      return fail("line " + std::to_string(header.line) + ": unknown column \"" + header.fields[i] +
                  "\" (columns: username, password, admin, displayname, user_type)");
    }
    if (!columns.emplace(name, i).second) {
      return fail("line " + std::to_string(header.line) + ": column \"" + name + "\" twice");
    }
  }
  for (std::string_view required : {"username", "password"}) {
    if (!columns.contains(std::string(required))) {
      return fail("line " + std::to_string(header.line) + ": the header has no \"" +
                  std::string(required) + "\" column");
    }
  }
  std::vector<UserRow> rows;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    UserRow row;
    row.line = record.line;
    const std::size_t name_column = columns.at("username");
    if (name_column < record.fields.size()) row.username = trimmed(record.fields[name_column]);
    if (record.fields.size() != header.fields.size()) {
      row.error = std::to_string(record.fields.size()) + " fields where the header has " +
                  std::to_string(header.fields.size());
    } else if (auto user = read_row(columns, record.fields)) {
      row.user = std::move(*user);
    } else {
      row.error = user.error();
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace myelin::app
