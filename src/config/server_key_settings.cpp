#include "config/server_key_settings.hpp"

#include <cctype>
#include <charconv>
#include <string>

#include "base/base64.hpp"
#include "config/yaml_readers.hpp"

namespace myelin::config {

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::size_t kEd25519PublicKeyBytes = 32;

// Key versions are [a-zA-Z0-9_]+ (spec definitions/keys.yaml); checked here rather than through
// protocol/crypto, which the config layer does not link.
bool is_key_version(std::string_view version) {
  if (version.empty()) return false;
  for (char c : version) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// "ed25519:<version>" with a valid version: the only key IDs homeservers use.
bool is_ed25519_key_id(std::string_view key_id) {
  constexpr std::string_view kPrefix = "ed25519:";
  return key_id.starts_with(kPrefix) && is_key_version(key_id.substr(kPrefix.size()));
}

// A base64 ed25519 public key, decoded; reports and returns "" when it is not one.
std::string read_public_key(const YAML::Node& node, const std::string& key, ConfigErrors& errors) {
  std::string text;
  if (!read_string(node, key, text, errors)) return "";
  auto raw = base64::decode_any(text);
  if (!raw || raw->size() != kEd25519PublicKeyBytes) {
    report(errors, key, "must be a base64 ed25519 public key (32 bytes)");
    return "";
  }
  return *raw;
}

void read_trusted_server(const YAML::Node& node, const std::string& key, ServerKeyConfig& out,
                         ConfigErrors& errors) {
  if (!check_mapping(node, key, {"server_name", "verify_keys", "accept_keys_insecurely"}, errors)) {
    return;
  }
  TrustedKeyServer server;
  if (!node["server_name"]) {
    report(errors, key + ".server_name", "is required");
  } else {
    read_string(node["server_name"], key + ".server_name", server.server_name, errors);
  }
  if (node["accept_keys_insecurely"]) {
    read_bool(node["accept_keys_insecurely"], key + ".accept_keys_insecurely",
              server.accept_keys_insecurely, errors);
  }
  if (const YAML::Node keys = node["verify_keys"]) {
    if (!keys.IsMap()) {
      report(errors, key + ".verify_keys", "must be a mapping of key ID to base64 public key");
    } else {
      for (const auto& entry : keys) {
        const std::string key_id = entry.first.as<std::string>();
        const std::string entry_key = key + ".verify_keys." + key_id;
        if (!is_ed25519_key_id(key_id)) {
          report(errors, entry_key, "key IDs are \"ed25519:<version>\"");
          continue;
        }
        std::string raw = read_public_key(entry.second, entry_key, errors);
        if (!raw.empty()) server.verify_keys[key_id] = std::move(raw);
      }
    }
  }
  out.trusted_key_servers.push_back(std::move(server));
}

void read_trusted_key_servers(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    report(errors, "trusted_key_servers", "must be a list of {server_name, verify_keys}");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    read_trusted_server(node[i], "trusted_key_servers[" + std::to_string(i) + "]",
                        config.server_keys, errors);
  }
}

void read_old_signing_keys(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    report(errors, "old_signing_keys", "must be a mapping of key ID to {key, expired_ts}");
    return;
  }
  for (const auto& entry : node) {
    const std::string key_id = entry.first.as<std::string>();
    const std::string key = "old_signing_keys." + key_id;
    if (!is_ed25519_key_id(key_id)) {
      report(errors, key, "key IDs are \"ed25519:<version>\"");
      continue;
    }
    if (!check_mapping(entry.second, key, {"key", "expired_ts"}, errors)) continue;
    OldSigningKey old;
    old.key_id = key_id;
    if (!entry.second["key"] || !entry.second["expired_ts"]) {
      report(errors, key, "needs key and expired_ts");
      continue;
    }
    old.public_key = read_public_key(entry.second["key"], key + ".key", errors);
    std::uint64_t expired = 0;
    if (!read_uint(entry.second["expired_ts"], key + ".expired_ts", 0, (1ULL << 53) - 1, expired,
                   errors) ||
        old.public_key.empty()) {
      continue;
    }
    old.expired_ts = static_cast<std::int64_t>(expired);
    config.server_keys.old_signing_keys.push_back(std::move(old));
  }
}

void read_key_refresh_interval(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  auto ms = node.IsScalar() ? parse_duration_ms(node.Scalar()) : std::nullopt;
  if (!ms || *ms <= 0) {
    report(errors, "key_refresh_interval", "must be a positive duration such as 1d, 12h or 3600s");
    return;
  }
  config.server_keys.key_refresh_interval_ms = *ms;
}

}  // namespace

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  std::int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = kSecond;
        break;
      case 'm':
        unit = 60 * kSecond;
        break;
      case 'h':
        unit = 3600 * kSecond;
        break;
      case 'd':
        unit = 86400 * kSecond;
        break;
      case 'w':
        unit = 7 * 86400 * kSecond;
        break;
      case 'y':
        unit = 365 * 86400 * kSecond;
        break;
      default:
        break;
    }
    if (unit != 1) text.remove_suffix(1);
  }
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > (std::int64_t{1} << 53) / unit) {
    return std::nullopt;
  }
  return value * unit;
}

std::vector<Setting> server_key_settings() {
  return {
      {.key = "trusted_key_servers",
       .doc = "Notaries asked for other servers' keys when those servers cannot be reached\n"
              "directly. Default: none (Synapse defaults to matrix.org; myelin sends nothing\n"
              "to a third party unless told, and tests run offline). For example:\n"
              "trusted_key_servers:\n"
              "  - server_name: matrix.org\n"
              "    verify_keys:\n"
              "      \"ed25519:auto\": Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw",
       .default_yaml = "[]",
       .sample = {},
       .read = read_trusted_key_servers},
      {.key = "old_signing_keys",
       .doc = "Keys this server signed with before, published as old_verify_keys:\n"
              "old_signing_keys:\n"
              "  \"ed25519:id\": {key: <base64 public key>, expired_ts: 1600000000000}",
       .default_yaml = "{}",
       .sample = {},
       .read = read_old_signing_keys},
      {.key = "key_refresh_interval",
       .doc = "How long other servers may cache this server's keys (the valid_until_ts of its\n"
              "key document is now + this).",
       .default_yaml = "1d",
       .sample = {},
       .read = read_key_refresh_interval},
  };
}

}  // namespace myelin::config
