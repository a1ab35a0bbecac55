#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "services/common/service_context.hpp"
#include "services/email/smtp_client.hpp"

namespace myelin::services {

// Sends the server's plain-text mails through the configured relay (email:), From: notif_from
// with %(app)s filled in, a fresh Message-ID at the server's name.
class Mailer {
 public:
  // Throws std::runtime_error when a trusted CA file cannot be loaded.
  Mailer(const config::Config& config, Clock now_ms);
  ~Mailer();

  bool configured() const { return client_ != nullptr; }
  // Throws SmtpError when the mail could not be handed to the relay (also when e-mail is not
  // configured: a caller should have checked).
  boost::asio::awaitable<void> send(std::string to, std::string subject, std::string text);

 private:
  const config::Config& config_;
  Clock now_ms_;
  std::string from_;  // the From: header
  std::unique_ptr<SmtpClient> client_;
};

// Synapse's notif_from template: "%(app)s" becomes the application name.
std::string expand_notif_from(const std::string& notif_from, const std::string& app_name);

}  // namespace myelin::services
