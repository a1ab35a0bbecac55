#include "services/push/property_path.hpp"

namespace myelin::services::push {

std::vector<std::string> split_property_path(std::string_view path) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '\\' && i + 1 < path.size() && (path[i + 1] == '.' || path[i + 1] == '\\')) {
      parts.back() += path[++i];
    } else if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

const boost::json::value* find_property(const boost::json::object& event, std::string_view path) {
  const boost::json::object* current = &event;
  const boost::json::value* found = nullptr;
  for (const std::string& part : split_property_path(path)) {
    if (!current) return nullptr;
    found = current->if_contains(part);
    if (!found) return nullptr;
    current = found->if_object();
  }
  return found;
}

}  // namespace myelin::services::push
