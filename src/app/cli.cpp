#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/event_command.hpp"
#include "app/federation_check_command.hpp"
#include "app/generate_config_command.hpp"
#include "app/json_command.hpp"
#include "app/key_command.hpp"
#include "app/register_user_command.hpp"
#include "app/serve_command.hpp"
#include "app/version.hpp"

namespace myelin {

int run_cli(int argc, char** argv) {
  CLI::App app{"myelin — a Matrix homeserver"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and exit");

  // Each subcommand's callback runs after parsing and stores its exit code here.
  int exit_code = 0;
  app::add_json_commands(app, exit_code);
  app::add_generate_config_command(app, exit_code);
  app::add_key_commands(app, exit_code);
  app::add_event_commands(app, exit_code);
  app::add_serve_command(app, exit_code);
  app::add_register_user_command(app, exit_code);
  app::add_federation_commands(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (show_version || app.get_subcommands().empty()) {
    std::cout << "myelin " << version() << "\n";
    return 0;
  }
  return exit_code;
}

}  // namespace myelin
