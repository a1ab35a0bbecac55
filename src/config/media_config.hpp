#pragma once

#include <cstdint>
#include <string>

namespace myelin::config {

// The media repository (Synapse's media_store_path and max_upload_size).
struct MediaConfig {
  // Where uploaded files live; default <data_dir>/media_store.
  std::string store_path;
  // 50 MiB: Synapse's default max_upload_size.
  std::uint64_t max_upload_size = 50 * 1024 * 1024;
};

}  // namespace myelin::config
