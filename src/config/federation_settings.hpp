#pragma once

#include <string_view>
#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// federation: dns_servers, verify_certificates.
std::vector<Setting> federation_settings();

// "ip", "ip:port" or "[ipv6]:port" with a port 1-65535: what c-ares takes as a server.
bool is_dns_server_address(std::string_view text);

}  // namespace myelin::config
