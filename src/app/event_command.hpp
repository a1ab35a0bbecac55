#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

namespace myelin::app {

struct EventCheckOptions {
  std::string file;  // "-" reads standard input
  std::string room_version;
  std::vector<std::string> keys;  // "SERVER:KEYID=BASE64", e.g. "example.org:ed25519:a_1=..."
};

// `myelin event check`: prints the event's ID, whether its content hash and signatures verify,
// and its redacted form. Exit 0 when nothing failed (signatures of servers without a --key are
// reported as unchecked), 1 when the event is invalid or a check failed, 2 on bad arguments.
int event_check(const EventCheckOptions& options, std::istream& in, std::ostream& out,
                std::ostream& err);

void add_event_commands(CLI::App& app, int& exit_code);

}  // namespace myelin::app
