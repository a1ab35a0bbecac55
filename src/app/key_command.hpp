#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

namespace myelin::app {

struct KeyGenerateOptions {
  std::string version;  // empty: "a_" + 4 random characters, as Synapse
  std::string output;   // empty: print the key file line on stdout
};

// `myelin key generate`: a new ed25519 signing key in Synapse's signing key file format. With
// --output, writes the file (mode 0600, never overwriting) and prints the key ID and public key.
int key_generate(const KeyGenerateOptions& options, std::ostream& out, std::ostream& err);

void add_key_commands(CLI::App& app, int& exit_code);

}  // namespace myelin::app
