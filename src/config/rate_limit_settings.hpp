#pragma once

#include <vector>

#include "config/config_schema.hpp"

namespace myelin::config {

// Synapse's rate-limit keys (rc_message, rc_registration, rc_registration_token_validity,
// rc_login, rc_joins, rc_invites, rc_admin_redaction, rc_3pid_validation), same shapes and
// defaults, so a Synapse config's limits carry over.
std::vector<Setting> rate_limit_settings();

}  // namespace myelin::config
