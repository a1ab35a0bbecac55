#include "app/key_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

#include "protocol/crypto/signing_key.hpp"
#include "protocol/crypto/signing_key_file.hpp"

namespace myelin::app {

int key_generate(const KeyGenerateOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.version.empty() && !crypto::is_valid_key_version(options.version)) {
    err << "myelin: key version must be made of [A-Za-z0-9_], got \"" << options.version << "\"\n";
    return 2;
  }
  if (options.output.empty()) {
    crypto::SigningKey key = options.version.empty()
                                 ? crypto::SigningKey::generate()
                                 : crypto::SigningKey::generate(options.version);
    out << crypto::format_signing_key_file({&key, 1});
    return 0;
  }
  if (std::filesystem::exists(options.output)) {
    err << "myelin: " << options.output << " already exists; not overwriting a signing key\n";
    return 1;
  }
  // load_or_create_signing_key writes with mode 0600 and never replaces an existing file.
  auto key = crypto::load_or_create_signing_key(options.output);
  if (!key) {
    err << "myelin: " << key.error() << "\n";
    return 1;
  }
  out << key->key_id() << " " << key->public_key_base64() << "\n";
  return 0;
}

void add_key_commands(CLI::App& app, int& exit_code) {
  CLI::App* key = app.add_subcommand("key", "Signing key tools");
  key->require_subcommand(1);
  auto options = std::make_shared<KeyGenerateOptions>();
  CLI::App* generate = key->add_subcommand("generate", "Generate an ed25519 signing key");
  generate->add_option("--output,-o", options->output, "Key file to create");
  generate->add_option("--version", options->version, "Key version (default: a_ + 4 random)");
  generate->callback(
      [options, &exit_code] { exit_code = key_generate(*options, std::cout, std::cerr); });
}

}  // namespace myelin::app
