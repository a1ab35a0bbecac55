#include "config/yaml_readers.hpp"

#include <algorithm>
#include <charconv>

namespace myelin::config {

void report(ConfigErrors& errors, std::string key, std::string reason) {
  errors.push_back({std::move(key), std::move(reason)});
}

bool read_string(const YAML::Node& node, const std::string& key, std::string& out,
                 ConfigErrors& errors) {
  if (!node.IsScalar()) {
    report(errors, key, "must be a string");
    return false;
  }
  out = node.as<std::string>();
  return true;
}

bool read_bool(const YAML::Node& node, const std::string& key, bool& out, ConfigErrors& errors) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    report(errors, key, "must be true or false");
    return false;
  }
  out = value;
  return true;
}

bool read_uint(const YAML::Node& node, const std::string& key, std::uint64_t min, std::uint64_t max,
               std::uint64_t& out, ConfigErrors& errors) {
  std::string text = node.IsScalar() ? node.Scalar() : "";
  std::uint64_t value = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    report(errors, key,
           "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  out = value;
  return true;
}

bool read_number(const YAML::Node& node, const std::string& key, double& out,
                 ConfigErrors& errors) {
  std::string text = node.IsScalar() ? node.Scalar() : "";
  double value = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc() || end != text.data() + text.size() || value < 0) {
    report(errors, key, "must be a non-negative number");
    return false;
  }
  out = value;
  return true;
}

bool read_size(const YAML::Node& node, const std::string& key, std::uint64_t& out,
               ConfigErrors& errors) {
  std::string text = node.IsScalar() ? node.Scalar() : "";
  std::uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'K':
        multiplier = 1024;
        break;
      case 'M':
        multiplier = 1024 * 1024;
        break;
      case 'G':
        multiplier = 1024 * 1024 * 1024;
        break;
      default:
        break;
    }
    if (multiplier != 1) text.pop_back();
  }
  std::uint64_t value = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc() || end != text.data() + text.size() || value == 0) {
    report(errors, key, "must be a size such as 10M, 512K or 1048576");
    return false;
  }
  out = value * multiplier;
  return true;
}

bool read_string_list(const YAML::Node& node, const std::string& key, std::vector<std::string>& out,
                      ConfigErrors& errors) {
  if (!node.IsSequence()) {
    report(errors, key, "must be a list of strings");
    return false;
  }
  out.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::string item;
    if (read_string(node[i], key + "[" + std::to_string(i) + "]", item, errors)) {
      out.push_back(item);
    }
  }
  return true;
}

bool check_mapping(const YAML::Node& node, const std::string& key,
                   std::initializer_list<std::string_view> known, ConfigErrors& errors) {
  if (!node.IsMap()) {
    report(errors, key, "must be a mapping");
    return false;
  }
  for (const auto& entry : node) {
    std::string name = entry.first.as<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      report(errors, key + "." + name, "unknown key");
    }
  }
  return true;
}

}  // namespace myelin::config
