#include "config/federation_settings.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string>

#include "config/yaml_readers.hpp"

namespace myelin::config {

namespace {

bool is_ip(const std::string& text, int family) {
  unsigned char buffer[16];
  return inet_pton(family, text.c_str(), buffer) == 1;
}

bool is_port(std::string_view text) {
  unsigned port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port >= 1 && port <= 65535;
}

void read_federation(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  if (!check_mapping(node, "federation", {"dns_servers", "verify_certificates"}, errors)) return;
  FederationConfig& federation = config.federation;
  if (node["dns_servers"] && read_string_list(node["dns_servers"], "federation.dns_servers",
                                              federation.dns_servers, errors)) {
    for (const std::string& server : federation.dns_servers) {
      if (!is_dns_server_address(server)) {
        report(errors, "federation.dns_servers",
               "\"" + server + "\" is not \"ip\", \"ip:port\" or \"[ipv6]:port\"");
      }
    }
  }
  if (node["verify_certificates"]) {
    read_bool(node["verify_certificates"], "federation.verify_certificates",
              federation.verify_certificates, errors);
  }
}

}  // namespace

bool is_dns_server_address(std::string_view text) {
  const std::string whole(text);
  if (is_ip(whole, AF_INET) || is_ip(whole, AF_INET6)) return true;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    return is_ip(std::string(text.substr(1, close - 1)), AF_INET6) &&
           is_port(text.substr(close + 2));
  }
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  return is_ip(std::string(text.substr(0, colon)), AF_INET) && is_port(text.substr(colon + 1));
}

std::vector<Setting> federation_settings() {
  return {
      {.key = "federation",
       .doc = "Talking to other homeservers. For example:\n"
              "federation:\n"
              "  # Name servers for finding other servers (SRV, A/AAAA); default: the system's.\n"
              "  dns_servers: [\"127.0.0.1:5353\"]\n"
              "  # false accepts any certificate from other servers: development only.\n"
              "  verify_certificates: true\n"
              "Extra CAs for their certificates: trusted_ca_files.",
       .default_yaml = "{}",
       .sample = {},
       .read = [](const YAML::Node& node, Config& config,
                  ConfigErrors& errors) { read_federation(node, config, errors); }},
  };
}

}  // namespace myelin::config
