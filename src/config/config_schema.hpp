#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace myelin::config {

// A problem with one key; the loader collects all of them before refusing to start.
struct ConfigError {
  std::string key;
  std::string reason;
};

// What `myelin generate-config` fills in.
struct SampleParameters {
  std::string server_name;
  std::string listen_address;  // "127.0.0.1"
  std::uint16_t listen_port = 8008;
  std::string data_dir;
  std::string registration_shared_secret;
};

// One top-level key of the config file: its documentation, the YAML the sample config shows for
// it, and how it is read and validated. The table of these is the single source of truth for
// loading, validation and the commented sample.
struct Setting {
  std::string_view key;
  std::string_view doc;  // comment lines for the sample, without '#'
  // YAML used when the key is absent; empty: the key is required.
  std::string_view default_yaml;
  // A secret: may instead be read from the file named by "<key>_path".
  bool secret = false;
  // The YAML a generated config shows; null: the default, commented out.
  std::function<std::string(const SampleParameters&)> sample;
  // Reads node into config; reports problems (with a key path under this one) into errors.
  std::function<void(const YAML::Node& node, Config& config, std::vector<ConfigError>& errors)>
      read;
};

std::span<const Setting> config_schema();

// Values derived from others once everything is read (e.g. defaults under data_dir).
void apply_derived_defaults(Config& config);

}  // namespace myelin::config
