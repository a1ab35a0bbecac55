#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace myelin::services {

// The MAC of Synapse's shared-secret registration (POST /_synapse/admin/v1/register): lower-case
// hex HMAC-SHA1, keyed with registration_shared_secret, over
// nonce NUL username NUL password NUL ("admin" | "notadmin") [NUL user_type].
// Tools such as register_new_matrix_user compute exactly this.
std::string registration_mac(std::string_view shared_secret, std::string_view nonce,
                             std::string_view username, std::string_view password, bool admin,
                             const std::optional<std::string>& user_type);

// Constant-time comparison, so a wrong MAC reveals nothing about the right one.
bool macs_equal(std::string_view a, std::string_view b);

}  // namespace myelin::services
