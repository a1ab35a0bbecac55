#pragma once

#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// The `oidc_providers:` key: OpenID Connect identity providers for SSO login and sign-up, in
// Synapse's shape.
std::vector<Setting> oidc_settings();

}  // namespace myelin::config
