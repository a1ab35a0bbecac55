#pragma once

#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// The `registration:` key: the sign-up mode and whether it needs a verified e-mail address.
std::vector<Setting> registration_settings();

}  // namespace myelin::config
