#include "app/register_user_command.hpp"

#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/plain_http_client.hpp"
#include "app/shared_secret_client.hpp"
#include "app/user_csv.hpp"
#include "config/config_loader.hpp"

namespace myelin::app {

namespace {

constexpr int kRefused = 1;
constexpr int kUsage = 2;

// Thrown inside this file only: a message for stderr and the exit status.
struct CommandFailure {
  int status;
  std::string message;
};

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandFailure{kUsage, std::string("cannot read ") + what + " " + path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The line the user typed after `prompt`; EOF ends the command.
std::string ask(Console& console, const std::string& prompt, bool secret) {
  std::string line;
  if (secret) {
    line = console.read_secret(prompt);
  } else if (console.out << prompt << std::flush; !std::getline(console.in, line)) {
    throw CommandFailure{kUsage, "no answer (end of input)"};
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

struct Target {
  BaseUrl server;
  std::string shared_secret;
};

// The shared secret and the server URL, from the options and the configuration file.
Target resolve_target(const RegisterUserOptions& options) {
  std::optional<config::Config> config;
  if (!options.config_path.empty()) {
    config::LoadResult loaded = config::load_config_file(options.config_path);
    if (!loaded.config) {
      throw CommandFailure{kUsage, "cannot use the configuration:\n" +
                                       config::format_errors(options.config_path, loaded.errors)};
    }
    config = std::move(loaded.config);
  }
  Target target;
  target.shared_secret = options.shared_secret;
  if (target.shared_secret.empty() && config) {
    target.shared_secret = config->registration_shared_secret;
    if (target.shared_secret.empty()) {
      throw CommandFailure{kUsage, "no registration_shared_secret in " + options.config_path +
                                       ": shared-secret registration is off"};
    }
  }
  if (target.shared_secret.empty()) {
    throw CommandFailure{kUsage,
                         "give the homeserver's configuration (-c homeserver.yaml) or "
                         "its shared secret (-k)"};
  }
  std::string url = options.server_url;
  if (url.empty()) {
    if (!config) throw CommandFailure{kUsage, "give the server URL (or -c homeserver.yaml)"};
    auto from_config = client_url_from_config(*config);
    if (!from_config) throw CommandFailure{kUsage, from_config.error()};
    url = *from_config;
  }
  auto base = parse_base_url(url);
  if (!base) throw CommandFailure{kUsage, base.error()};
  if (base->scheme != "http") {
    throw CommandFailure{kUsage,
                         "https URLs are not supported yet; give the plain http URL of "
                         "a client listener (e.g. http://localhost:8008)"};
  }
  target.server = std::move(*base);
  return target;
}

int register_csv(const RegisterUserOptions& options, const Target& target, Console& console) {
  auto rows = parse_user_csv(read_file(options.csv_path, "the CSV file"));
  if (!rows) throw CommandFailure{kUsage, options.csv_path + ": " + rows.error()};
  std::size_t created = 0;
  std::size_t failed = 0;
  for (const UserRow& row : *rows) {
    console.out << "line " << row.line << ": " << row.username << ": ";
    if (!row.user) {
      console.out << "failed: " << row.error << "\n" << std::flush;
      ++failed;
      continue;
    }
    auto result = register_with_shared_secret(target.server, target.shared_secret, *row.user);
    if (result) {
      console.out << "created " << *result << (row.user->admin ? " (admin)" : "") << "\n";
      ++created;
    } else {
      console.out << "failed: " << result.error() << "\n";
      ++failed;
    }
    console.out << std::flush;
  }
  console.out << created << " created, " << failed << " failed\n";
  return failed == 0 ? 0 : kRefused;
}

NewUser gather_user(const RegisterUserOptions& options, Console& console) {
  NewUser user;
  user.username = options.user;
  if (user.username.empty()) {
    if (!console.interactive) throw CommandFailure{kUsage, "no user name: give -u/--user"};
    user.username = ask(console, "New user localpart: ", false);
    if (user.username.empty()) throw CommandFailure{kUsage, "Invalid user name"};
  }
  if (!options.password_file.empty()) {
    user.password = first_line(read_file(options.password_file, "the password file"));
    if (user.password.empty()) {
      throw CommandFailure{kUsage, options.password_file + " holds no password"};
    }
  } else if (!options.password.empty()) {
    user.password = options.password;
  } else if (console.interactive) {
    user.password = ask(console, "Password: ", true);
    if (user.password.empty()) throw CommandFailure{kRefused, "Password cannot be blank."};
    if (ask(console, "Confirm password: ", true) != user.password) {
      throw CommandFailure{kRefused, "Passwords do not match"};
    }
  } else {
    throw CommandFailure{kUsage, "no password: give -p/--password or --password-file"};
  }
  if (options.admin || options.no_admin) {
    user.admin = options.admin;
  } else if (console.interactive) {
    // Synapse's prompt; an empty answer takes the default shown in brackets.
    while (true) {
      std::optional<bool> answer = parse_yes_no(ask(console, "Make admin [no]: ", false));
      if (answer) {
        user.admin = *answer;
        break;
      }
      console.out << "Please answer yes or no.\n";
    }
  }  // scripted without -a/--no-admin: not an admin, the prompt's default
  if (!options.user_type.empty()) user.user_type = options.user_type;
  if (!options.display_name.empty()) user.displayname = options.display_name;
  return user;
}

bool any_single_user_option(const RegisterUserOptions& o) {
  return !o.user.empty() || !o.password.empty() || !o.password_file.empty() || o.admin ||
         o.no_admin || !o.user_type.empty() || !o.display_name.empty();
}

int run(const RegisterUserOptions& options, Console& console) {
  if (options.admin && options.no_admin) {
    throw CommandFailure{kUsage, "give either -a/--admin or --no-admin"};
  }
  if (!options.password.empty() && !options.password_file.empty()) {
    throw CommandFailure{kUsage, "give either -p/--password or --password-file"};
  }
  if (!options.csv_path.empty() && any_single_user_option(options)) {
    throw CommandFailure{kUsage,
                         "--csv takes every user from the file; drop the single-user "
                         "options (-u, -p, -a, -t, --display-name)"};
  }
  const Target target = resolve_target(options);
  if (!options.csv_path.empty()) return register_csv(options, target, console);
  const NewUser user = gather_user(options, console);
  console.out << "Sending registration request...\n" << std::flush;
  auto result = register_with_shared_secret(target.server, target.shared_secret, user);
  if (!result) throw CommandFailure{kRefused, "registration failed: " + result.error()};
  console.out << "Success! Registered " << *result << (user.admin ? " (admin)" : "") << "\n";
  return 0;
}

// One line from stdin with the terminal's echo off, restored whatever happens.
// Echo goes off before the prompt shows, and TCSANOW keeps what was typed ahead (TCSAFLUSH would
// drop an answer typed the moment the prompt appeared).
std::string read_without_echo(const std::string& prompt, std::istream& in, std::ostream& out) {
  termios saved{};
  const bool on_terminal = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (on_terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  out << prompt << std::flush;
  std::string line;
  const bool got = static_cast<bool>(std::getline(in, line));
  if (on_terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    out << "\n" << std::flush;  // the user's Enter was not echoed
  }
  if (!got) throw CommandFailure{kUsage, "no answer (end of input)"};
  return line;
}

}  // namespace

Expected<std::string> client_url_from_config(const config::Config& config) {
  for (const config::Listener& listener : config.listeners) {
    bool client = false;
    for (const std::string& resource : listener.resources) client |= resource == "client";
    if (!client) continue;
    if (listener.port == 0) {
      return fail("the client listener's port is 0 (chosen at start-up): give the server URL");
    }
    std::string host = listener.bind_addresses.empty() ? "localhost" : listener.bind_addresses[0];
    // A wildcard address accepts loopback connections too.
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return std::string(listener.tls ? "https://" : "http://") + host + ":" +
           std::to_string(listener.port);
  }
  return fail("no listener serves the client API in the configuration: give the server URL");
}

int register_user(const RegisterUserOptions& options, Console& console) {
  try {
    return run(options, console);
  } catch (const CommandFailure& failure) {
    console.err << "myelin register-user: " << failure.message << "\n";
    return failure.status;
  }
}

void add_register_user_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RegisterUserOptions>();
  CLI::App* command = app.add_subcommand(
      "register-user",
      "Create a user through the shared-secret admin API (as register_new_matrix_user)");
  command->add_option("server_url", options->server_url,
                      "The homeserver's URL (default: the config's first client listener)");
  command->add_option("-c,--config", options->config_path,
                      "homeserver.yaml with registration_shared_secret");
  command->add_option("-k,--shared-secret", options->shared_secret,
                      "The shared secret (instead of the config's)");
  command->add_option("-u,--user", options->user, "Local part of the new user");
  command->add_option("-p,--password", options->password, "The new user's password");
  command->add_option("--password-file", options->password_file,
                      "A file whose first line is the password");
  CLI::Option* admin = command->add_flag("-a,--admin", options->admin, "Make the user an admin");
  CLI::Option* no_admin =
      command->add_flag("--no-admin", options->no_admin, "Do not make the user an admin");
  admin->excludes(no_admin);
  command->add_option("-t,--user-type", options->user_type, "User type: bot or support");
  command->add_option("--display-name", options->display_name, "The new user's display name");
  command->add_option("--csv", options->csv_path,
                      "Register every row of a CSV file (username,password,admin,displayname,"
                      "user_type)");
  command->callback([options, &exit_code] {
    Console console{std::cin, std::cout, std::cerr, ::isatty(STDIN_FILENO) == 1, {}};
    console.read_secret = [](const std::string& prompt) {
      return read_without_echo(prompt, std::cin, std::cout);
    };
    exit_code = register_user(*options, console);
  });
}

}  // namespace myelin::app
