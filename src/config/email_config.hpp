#pragma once

#include <cstdint>
#include <string>

namespace myelin::config {

// Outgoing e-mail (`email:` in the config file, Synapse's shape): the SMTP relay that sends
// validation links and password-reset mails.
struct EmailConfig {
  // E-mail is configured when notif_from is set (as Synapse, which needs it for any mail).
  bool configured() const { return !notif_from.empty(); }

  std::string smtp_host = "localhost";
  std::uint16_t smtp_port = 25;
  std::string smtp_user;  // empty: no AUTH
  std::string smtp_pass;
  // Implicit TLS from the first byte (usually port 465).
  bool force_tls = false;
  // Refuse to send unless the connection is encrypted (STARTTLS mandatory).
  bool require_transport_security = false;
  // Use STARTTLS when the relay offers it.
  bool enable_tls = true;
  // From: header; "%(app)s" is replaced by app_name.
  std::string notif_from;
  std::string app_name = "Matrix";
  // How long a validation link stays valid, in milliseconds (Synapse: 1h).
  std::int64_t validation_token_lifetime_ms = 60 * 60 * 1000;
};

}  // namespace myelin::config
