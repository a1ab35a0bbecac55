#include "services/email/validation_mail.hpp"

#include <fmt/format.h>

namespace myelin::services {

namespace {

// RFC 3986 unreserved characters stay, everything else is %XX.
std::string query_escape(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string submit_token_path(ValidationPurpose purpose) {
  switch (purpose) {
    case ValidationPurpose::kRegistration:
      return "_matrix/client/unstable/registration/email/submit_token";
    case ValidationPurpose::kAddThreepid:
      return "_matrix/client/unstable/add_threepid/email/submit_token";
    case ValidationPurpose::kPasswordReset:
      return "_synapse/client/password_reset/email/submit_token";
  }
  return {};
}

std::string validation_link(const std::string& public_baseurl, ValidationPurpose purpose,
                            const std::string& token, const std::string& client_secret,
                            const std::string& sid) {
  return public_baseurl + submit_token_path(purpose) + "?token=" + query_escape(token) +
         "&client_secret=" + query_escape(client_secret) + "&sid=" + query_escape(sid);
}

ValidationMail validation_mail(ValidationPurpose purpose, const std::string& server_name,
                               const std::string& app_name, const std::string& link) {
  switch (purpose) {
    case ValidationPurpose::kRegistration:
      return {fmt::format("[{}] Validate your email", server_name),
              fmt::format("Hello,\n\nYou asked to register a {} account on {} with this e-mail "
                          "address.\nFollow this link to confirm it is yours:\n\n{}\n\nIf this "
                          "was not you, ignore this mail.\n",
                          app_name, server_name, link)};
    case ValidationPurpose::kAddThreepid:
      return {fmt::format("[{}] Validate your email", server_name),
              fmt::format("Hello,\n\nYou asked to add this e-mail address to your {} account on "
                          "{}.\nFollow this link to confirm it is yours:\n\n{}\n\nIf this was "
                          "not you, ignore this mail.\n",
                          app_name, server_name, link)};
    case ValidationPurpose::kPasswordReset:
      return {fmt::format("[{}] Password reset", server_name),
              fmt::format("Hello,\n\nA password reset was requested for your {} account on {}."
                          "\nFollow this link to confirm it, then set the new password in your "
                          "client:\n\n{}\n\nIf you did not ask for this, ignore this mail: your "
                          "password stays as it is.\n",
                          app_name, server_name, link)};
  }
  return {};
}

}  // namespace myelin::services
