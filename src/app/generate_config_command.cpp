#include "app/generate_config_command.hpp"

#include <sodium.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "base/base64.hpp"
#include "config/config_loader.hpp"
#include "config/sample_config.hpp"

namespace myelin::app {
namespace {

// "127.0.0.1:8008" or "[::1]:8008" → address and port.
bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  address = listen.substr(0, colon);
  if (address.front() == '[') {
    if (address.back() != ']') return false;
    address = address.substr(1, address.size() - 2);
  }
  std::string_view port_text(listen.data() + colon + 1, listen.size() - colon - 1);
  unsigned value = 0;
  auto [end, err] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  // Port 0 lets the server pick a free port (tests; it prints the one it bound).
  if (err != std::errc() || end != port_text.data() + port_text.size() || value > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return !address.empty();
}

std::string random_secret() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return base64::encode_url(bytes);
}

}  // namespace

int generate_config(const GenerateConfigOptions& options, std::ostream& out, std::ostream& err) {
  config::SampleParameters parameters;
  parameters.server_name = options.server_name;
  parameters.data_dir = options.data_dir;
  if (!split_listen(options.listen, parameters.listen_address, parameters.listen_port)) {
    err << "myelin: --listen must be ADDRESS:PORT (e.g. 127.0.0.1:8008 or [::1]:8008), got \""
        << options.listen << "\"\n";
    return 2;
  }
  parameters.registration_shared_secret = random_secret();
  std::string text = config::generate_sample_config(parameters);

  // Validate what we are about to write: a bad server name is refused here, not at start-up.
  config::LoadResult check = config::load_config_text(text, "generated config");
  if (!check.config) {
    err << "myelin: " << config::format_errors("generated config", check.errors);
    return 2;
  }

  if (options.output.empty()) {
    out << text;
    return 0;
  }
  if (std::filesystem::exists(options.output)) {
    err << "myelin: " << options.output << " already exists; not overwriting it\n";
    return 1;
  }
  std::filesystem::path parent = std::filesystem::path(options.output).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream file(options.output);
  file << text;
  file.close();
  if (!file) {
    err << "myelin: cannot write " << options.output << "\n";
    return 1;
  }
  // The file holds the registration shared secret.
  std::filesystem::permissions(
      options.output, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  err << "myelin: wrote " << options.output << "\n";
  return 0;
}

void add_generate_config_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GenerateConfigOptions>();
  CLI::App* command = app.add_subcommand("generate-config", "Write a commented configuration file");
  command->add_option("--server-name", options->server_name, "The domain of your user IDs")
      ->required();
  command->add_option("--listen", options->listen, "Client listener ADDRESS:PORT")
      ->capture_default_str();
  command->add_option("--data-dir", options->data_dir, "Directory for database and keys")
      ->capture_default_str();
  command->add_option("--output,-o", options->output, "File to write (default: standard output)");
  command->callback(
      [options, &exit_code] { exit_code = generate_config(*options, std::cout, std::cerr); });
}

}  // namespace myelin::app
