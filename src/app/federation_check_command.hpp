#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace myelin::app {

struct FederationCheckOptions {
  std::string server_name;
  std::string config_path;               // -c: trusted_ca_files and federation.dns_servers
  std::vector<std::string> ca_files;     // --ca-file: trusted on top of the system CAs
  std::vector<std::string> dns_servers;  // --dns-server ip[:port]; empty: config, else system
  std::chrono::milliseconds timeout{5000};
};

// `myelin federation check SERVER_NAME`: walks server discovery as another homeserver would and
// prints each step, a verdict and a FIX line per mistake found. Exit 0 only when federation
// with the server would work; 1 when it would not; 2 on usage errors (unreadable config).
int federation_check(const FederationCheckOptions& options, std::ostream& out, std::ostream& err);

void add_federation_commands(CLI::App& app, int& exit_code);

}  // namespace myelin::app
