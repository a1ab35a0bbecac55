#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>

namespace myelin::app {

// `myelin json canonical`: reads one JSON document on stdin, writes its canonical form.
// Exit code 1 with a reason on stderr when the input is not JSON.
int json_canonical(std::istream& in, std::ostream& out, std::ostream& err);

void add_json_commands(CLI::App& app, int& exit_code);

}  // namespace myelin::app
