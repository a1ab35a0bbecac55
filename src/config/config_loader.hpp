#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/config_schema.hpp"

namespace myelin::config {

// Either a complete, validated configuration or every problem found (never half of one).
struct LoadResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
};

LoadResult load_config_file(const std::string& path);
LoadResult load_config_text(std::string_view yaml, const std::string& source_name);

// "FILE: KEY: REASON" lines, one per error, for the start-up refusal message.
std::string format_errors(const std::string& source_name, const std::vector<ConfigError>& errors);

}  // namespace myelin::config
