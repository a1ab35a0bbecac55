#pragma once

#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// server_notices: as Synapse names its keys.
std::vector<Setting> server_notices_settings();

}  // namespace myelin::config
