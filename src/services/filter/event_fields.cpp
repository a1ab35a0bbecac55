#include "services/filter/event_fields.hpp"

namespace myelin::filter {
namespace {

// The value at `path` (already split), if every step but the last is an object.
const boost::json::value* find_path(const boost::json::object& source,
                                    std::span<const std::string> path) {
  const boost::json::object* object = &source;
  for (std::size_t i = 0;; ++i) {
    const boost::json::value* found = object->if_contains(path[i]);
    if (!found || i + 1 == path.size()) return found;
    object = found->if_object();
    if (!object) return nullptr;
  }
}

// Puts `value` at `path` in `target`, creating the objects on the way. Where a step already
// holds a whole-object copy (from a shorter path), the deeper value is in it already and is
// rewritten unchanged.
void put_path(boost::json::object& target, std::span<const std::string> path,
              const boost::json::value& value) {
  boost::json::object* object = &target;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    boost::json::value& slot = (*object)[path[i]];
    if (!slot.is_object()) slot.emplace_object();
    object = &slot.get_object();
  }
  (*object)[path.back()] = value;
}

}  // namespace

std::vector<std::string> split_field_path(std::string_view path) {
  std::vector<std::string> names(1);
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '\\' && i + 1 < path.size() && (path[i + 1] == '.' || path[i + 1] == '\\')) {
      names.back() += path[++i];
    } else if (c == '.') {
      names.emplace_back();
    } else {
      names.back() += c;
    }
  }
  return names;
}

boost::json::object project_event_fields(const boost::json::object& event,
                                         std::span<const std::string> event_fields) {
  if (event_fields.empty()) return event;
  boost::json::object projected;
  for (const std::string& field : event_fields) {
    std::vector<std::string> path = split_field_path(field);
    if (const boost::json::value* value = find_path(event, path)) put_path(projected, path, *value);
  }
  return projected;
}

}  // namespace myelin::filter
