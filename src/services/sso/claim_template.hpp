#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace myelin::services::sso {

// Renders the small Jinja subset Synapse's OIDC mapping templates use: "{{ user.<claim> }}"
// (nested with dots), optionally piped through filters: lower, upper, trim,
// localpart_from_email. Text outside the braces is kept. A missing claim renders as the empty
// string, as Jinja's undefined does; numbers and booleans render as JSON.
std::string render_claim_template(std::string_view text, const boost::json::object& claims);

}  // namespace myelin::services::sso
