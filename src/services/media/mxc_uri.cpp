#include "services/media/mxc_uri.hpp"

namespace myelin::services {

std::optional<MxcUri> MxcUri::parse(std::string_view uri) {
  constexpr std::string_view kScheme = "mxc://";
  if (uri.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  uri.remove_prefix(kScheme.size());
  const std::size_t slash = uri.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == uri.size()) {
    return std::nullopt;
  }
  std::string_view media_id = uri.substr(slash + 1);
  if (media_id.find('/') != std::string_view::npos) return std::nullopt;
  return MxcUri{std::string(uri.substr(0, slash)), std::string(media_id)};
}

}  // namespace myelin::services
