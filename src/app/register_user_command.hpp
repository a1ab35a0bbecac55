#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>

#include "base/expected.hpp"
#include "config/config.hpp"

namespace myelin::app {

struct RegisterUserOptions {
  std::string config_path;    // -c: registration_shared_secret and the client listener
  std::string server_url;     // positional; default: the config's first client listener
  std::string shared_secret;  // -k: instead of the config's
  std::string user;           // -u
  std::string password;       // -p
  std::string password_file;  // --password-file: the first line is the password
  bool admin = false;         // -a
  bool no_admin = false;      // --no-admin
  std::string user_type;      // -t: bot, support
  std::string display_name;   // --display-name
  std::string csv_path;       // --csv: bulk registration
};

// Where the command talks and what it may ask. `interactive` is true when stdin is a terminal;
// read_secret shows the prompt and reads one line without echo (a plain line read when not on
// a terminal).
struct Console {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool interactive = false;
  std::function<std::string(const std::string& prompt)> read_secret;
};

// `myelin register-user`, Synapse's register_new_matrix_user: creates a user (or every row of
// --csv) through the shared-secret admin endpoint. Values not given on the command line are
// asked for on a terminal and are an error otherwise. Exit status: 0 done, 1 the server refused
// or could not be reached (for --csv: any row failed), 2 bad usage or configuration.
int register_user(const RegisterUserOptions& options, Console& console);

// The base URL of the first listener serving the client API, as this machine reaches it:
// a wildcard bind address means loopback. Fails when none serves "client" or the port is 0.
Expected<std::string> client_url_from_config(const config::Config& config);

void add_register_user_command(CLI::App& app, int& exit_code);

}  // namespace myelin::app
