#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/oidc_config.hpp"

namespace myelin::services::sso {

// Synapse's map_username_to_mxid_localpart: lower-cased, every byte outside
// [a-z0-9._=/+-] written as "=xx" (hex), and a leading '_' escaped, so any provider's user name
// yields a valid, distinct localpart.
std::string map_username_to_localpart(std::string_view username);

// True when the claims satisfy every requirement (Synapse's attribute_requirements: the claim
// equals a value, or, when it is a list, contains one).
bool meets_requirements(const boost::json::object& claims,
                        const std::vector<config::OidcAttributeRequirement>& requirements);

// A redirectUrl the SSO flow may send the browser back to: an absolute http(s) URL.
bool valid_client_redirect_url(std::string_view url);

}  // namespace myelin::services::sso
