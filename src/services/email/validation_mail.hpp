#pragma once

#include <string>

namespace myelin::services {

// Why an address is being validated; decides the mail's wording and the link's path (Synapse's
// paths, so links in mails and reverse-proxy rules carry over).
enum class ValidationPurpose {
  kRegistration,   // POST /register/email/requestToken
  kAddThreepid,    // POST /account/3pid/email/requestToken
  kPasswordReset,  // POST /account/password/email/requestToken
};

struct ValidationMail {
  std::string subject;
  std::string text;
};

// The path (without a leading '/') that validates a token for `purpose`.
std::string submit_token_path(ValidationPurpose purpose);

// The link the mail carries: <public_baseurl><path>?token=..&client_secret=..&sid=..
std::string validation_link(const std::string& public_baseurl, ValidationPurpose purpose,
                            const std::string& token, const std::string& client_secret,
                            const std::string& sid);

ValidationMail validation_mail(ValidationPurpose purpose, const std::string& server_name,
                               const std::string& app_name, const std::string& link);

}  // namespace myelin::services
