#include "config/media_settings.hpp"

#include "config/yaml_readers.hpp"

namespace myelin::config {

// The core settings (data_dir, max_request_body_size) are read before any group, so these
// readers may rely on them.
std::vector<Setting> media_settings() {
  return {
      {.key = "media_store_path",
       .doc = "Where uploaded media files are kept. Default: <data_dir>/media_store",
       .default_yaml = "\"\"",
       .read =
           [](const YAML::Node& node, Config& config, ConfigErrors& errors) {
             if (!read_string(node, "media_store_path", config.media.store_path, errors)) return;
             if (config.media.store_path.empty() && !config.data_dir.empty()) {
               config.media.store_path = config.data_dir + "/media_store";
             }
           }},
      {.key = "max_upload_size",
       .doc = "Larger uploads are refused with 413 M_TOO_LARGE; clients read it from\n"
              "/_matrix/client/v1/media/config. It cannot exceed max_request_body_size, which\n"
              "bounds every request body.",
       .default_yaml = "50M",
       .read =
           [](const YAML::Node& node, Config& config, ConfigErrors& errors) {
             if (!read_size(node, "max_upload_size", config.media.max_upload_size, errors)) return;
             if (config.media.max_upload_size == 0) {
               report(errors, "max_upload_size", "must be above 0");
             } else if (config.max_request_body_size != 0 &&
                        config.media.max_upload_size > config.max_request_body_size) {
               // The HTTP server would refuse such an upload before the media code sees it.
               report(errors, "max_upload_size",
                      "must not exceed max_request_body_size (raise that as well)");
             }
           }},
  };
}

}  // namespace myelin::config
