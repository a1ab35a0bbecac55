#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// trusted_key_servers, old_signing_keys, key_refresh_interval (Synapse's keys and shapes).
std::vector<Setting> server_key_settings();

// A duration as Synapse writes them: milliseconds as an integer, or a number with a unit
// s, m, h, d, w or y ("1d", "30m"); nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace myelin::config
