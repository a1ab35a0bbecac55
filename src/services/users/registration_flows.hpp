#pragma once

#include <optional>
#include <vector>

#include "config/registration_config.hpp"
#include "services/auth_support/uia_sessions.hpp"

namespace myelin::services {

// The UIA flows POST /register offers, exactly as the configuration implies: token mode
// [m.login.registration_token], open mode [m.login.dummy]; require_email adds
// m.login.email.identity (token → [registration_token, email.identity], open → [email.identity]).
// nullopt when sign-up is closed.
std::optional<std::vector<UiaFlow>> registration_flows(const config::RegistrationConfig& config);

}  // namespace myelin::services
