#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace myelin::services {

// An mxc:// URI (spec: "Matrix Content (mxc://) URIs"): mxc://<server-name>/<media-id>.
struct MxcUri {
  std::string server_name;
  std::string media_id;

  // nullopt unless both parts are non-empty and the media ID has no further '/'.
  static std::optional<MxcUri> parse(std::string_view uri);
  std::string to_string() const { return "mxc://" + server_name + "/" + media_id; }
};

}  // namespace myelin::services
