#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_schema.hpp"

// Typed readers for config values. Each reports a problem under the key path it is given and
// returns false, so a settings group can keep going and report every error at once.
namespace myelin::config {

using ConfigErrors = std::vector<ConfigError>;

void report(ConfigErrors& errors, std::string key, std::string reason);

bool read_string(const YAML::Node& node, const std::string& key, std::string& out,
                 ConfigErrors& errors);
bool read_bool(const YAML::Node& node, const std::string& key, bool& out, ConfigErrors& errors);
bool read_uint(const YAML::Node& node, const std::string& key, std::uint64_t min, std::uint64_t max,
               std::uint64_t& out, ConfigErrors& errors);
// A non-negative decimal such as 0.17 or 5 (Synapse's rc_* per_second values).
bool read_number(const YAML::Node& node, const std::string& key, double& out, ConfigErrors& errors);
// "10M", "512K", "1G" or a plain byte count, as Synapse's size settings.
bool read_size(const YAML::Node& node, const std::string& key, std::uint64_t& out,
               ConfigErrors& errors);
bool read_string_list(const YAML::Node& node, const std::string& key, std::vector<std::string>& out,
                      ConfigErrors& errors);
// A mapping whose keys must all be known; unknown ones are reported (a typo must not silently
// leave a setting at its default).
bool check_mapping(const YAML::Node& node, const std::string& key,
                   std::initializer_list<std::string_view> known, ConfigErrors& errors);

}  // namespace myelin::config
