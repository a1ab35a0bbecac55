#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

namespace myelin::app {

struct ServeOptions {
  std::string config_path;
};

// `myelin serve --config FILE`: the homeserver. Refuses to start (exit 1, every problem on
// stderr with file, key and reason) when the config, signing key, database or a listener is
// not usable; nothing runs half-configured. Prints "myelin: serving NAMES on URL" on stdout once
// each listener is bound. SIGTERM/SIGINT: stops accepting, lets requests in flight finish,
// closes the database and exits 0.
int serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace myelin::app
