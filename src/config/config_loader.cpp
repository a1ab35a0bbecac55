#include "config/config_loader.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace myelin::config {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Keys earlier versions accepted, with what replaced them, so an old config gets a useful error.
constexpr std::pair<std::string_view, std::string_view> kRetiredKeys[] = {
    {"enable_registration", "replaced by registration.mode (token, open or closed)"},
    {"enable_registration_without_verification", "replaced by registration.mode: open"},
};

std::string unknown_key_reason(const std::string& key) {
  for (const auto& [retired, replacement] : kRetiredKeys) {
    if (key == retired) return std::string(replacement);
  }
  return "unknown key";
}

}  // namespace

LoadResult load_config_text(std::string_view yaml, const std::string& source_name) {
  LoadResult result;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    result.errors.push_back({"(syntax)", "line " + std::to_string(e.mark.line + 1) + ", column " +
                                             std::to_string(e.mark.column + 1) + ": " + e.msg});
    return result;
  }
  if (!root.IsMap()) {
    result.errors.push_back({"(document)", "the configuration must be a YAML mapping"});
    return result;
  }

  std::set<std::string> known;
  for (const Setting& setting : config_schema()) {
    known.emplace(setting.key);
    if (setting.secret) known.emplace(std::string(setting.key) + "_path");
  }
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    if (!known.contains(key)) result.errors.push_back({key, unknown_key_reason(key)});
  }

  Config config;
  config.source_path = source_name;
  for (const Setting& setting : config_schema()) {
    std::string key(setting.key);
    YAML::Node node = root[key];
    if (setting.secret && root[key + "_path"]) {
      if (node) {
        result.errors.push_back({key + "_path", "set either " + key + " or " + key + "_path"});
        continue;
      }
      std::string path = root[key + "_path"].as<std::string>("");
      auto secret = read_file(path);
      if (!secret) {
        result.errors.push_back({key + "_path", "cannot read " + path});
        continue;
      }
      node = YAML::Node(trim_trailing_newlines(*secret));
    }
    if (!node || node.IsNull()) {
      if (setting.default_yaml.empty()) {
        result.errors.push_back({key, "is required"});
        continue;
      }
      node = YAML::Load(std::string(setting.default_yaml));
    }
    setting.read(node, config, result.errors);
  }
  if (!result.errors.empty()) return result;

  apply_derived_defaults(config);
  for (const Listener& listener : config.listeners) {
    if (listener.tls &&
        (config.tls_certificate_path.empty() || config.tls_private_key_path.empty())) {
      result.errors.push_back(
          {"tls_certificate_path", "a listener has tls: true but no certificate/key is set"});
      break;
    }
  }
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_config_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return LoadResult{std::nullopt, {{"(file)", "cannot read " + path}}};
  return load_config_text(*text, path);
}

std::string format_errors(const std::string& source_name, const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& error : errors) {
    out += source_name + ": " + error.key + ": " + error.reason + "\n";
  }
  return out;
}

}  // namespace myelin::config
