#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

namespace myelin::app {

struct GenerateConfigOptions {
  std::string server_name;
  std::string listen = "127.0.0.1:8008";  // ADDR:PORT, [IPv6]:PORT
  std::string data_dir = "./var";
  std::string output;  // empty: stdout; an existing file is never overwritten
};

// `myelin generate-config`: writes a commented config with a fresh registration shared secret.
int generate_config(const GenerateConfigOptions& options, std::ostream& out, std::ostream& err);

void add_generate_config_command(CLI::App& app, int& exit_code);

}  // namespace myelin::app
