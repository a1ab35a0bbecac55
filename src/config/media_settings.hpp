#pragma once

#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// media_store_path and max_upload_size, as Synapse names them.
std::vector<Setting> media_settings();

}  // namespace myelin::config
