#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// The `email:` key: the SMTP relay and the mails' sender. Also checks that
// registration.require_email has e-mail to work with (so it follows registration_settings).
std::vector<Setting> email_settings();

// "1h", "30m", "15s", "2d", "500ms" or a plain number of milliseconds (Synapse's durations);
// nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(const std::string& text);

}  // namespace myelin::config
