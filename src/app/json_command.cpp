#include "app/json_command.hpp"

#include <iostream>
#include <iterator>
#include <sstream>

#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::app {

int json_canonical(std::istream& in, std::ostream& out, std::ostream& err) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto value = json::parse(text);
  if (!value) {
    err << "myelin: " << value.error() << "\n";
    return 1;
  }
  out << json::encode_canonical(*value) << "\n";
  return 0;
}

void add_json_commands(CLI::App& app, int& exit_code) {
  CLI::App* json = app.add_subcommand("json", "JSON tools");
  json->require_subcommand(1);
  json->add_subcommand("canonical", "Read JSON on stdin and print its canonical form")
      ->callback([&exit_code] { exit_code = json_canonical(std::cin, std::cout, std::cerr); });
}

}  // namespace myelin::app
