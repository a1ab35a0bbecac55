#pragma once

#include <string>
#include <string_view>

#include "config/config_loader.hpp"

// Helpers for the config tests (header-only; included by *_test.cpp files only).
namespace myelin::config::testing {

// The smallest valid config; tests append the keys they exercise.
inline const std::string kMinimalConfig = "server_name: example.org\ndata_dir: /tmp/x\n";

// Whether loading reported a problem under `key` whose reason contains `reason_part`.
inline bool has_error(const LoadResult& result, std::string_view key,
                      std::string_view reason_part) {
  for (const ConfigError& e : result.errors) {
    if (e.key == key && e.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace myelin::config::testing
