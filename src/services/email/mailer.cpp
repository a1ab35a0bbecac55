#include "services/email/mailer.hpp"

#include "services/common/random_token.hpp"
#include "services/email/email_message.hpp"

namespace myelin::services {

std::string expand_notif_from(const std::string& notif_from, const std::string& app_name) {
  static constexpr std::string_view kApp = "%(app)s";
  std::string out = notif_from;
  for (std::size_t at = out.find(kApp); at != std::string::npos;
       at = out.find(kApp, at + app_name.size())) {
    out.replace(at, kApp.size(), app_name);
  }
  return out;
}

Mailer::Mailer(const config::Config& config, Clock now_ms)
    : config_(config),
      now_ms_(std::move(now_ms)),
      from_(expand_notif_from(config.email.notif_from, config.email.app_name)) {
  if (config.email.configured()) {
    client_ = std::make_unique<SmtpClient>(SmtpSettings::from_config(config));
  }
}

Mailer::~Mailer() = default;

boost::asio::awaitable<void> Mailer::send(std::string to, std::string subject, std::string text) {
  if (!client_) throw SmtpError(SmtpFailure::kRefused, "e-mail is not configured");
  EmailMessage message{
      .from = from_, .to = to, .subject = std::move(subject), .text = std::move(text)};
  const std::string message_id = random_token(24) + "@" + config_.server_name;
  std::string data = format_email(message, now_ms_(), message_id);
  std::string from_address = mailbox_address(from_);
  co_await client_->send(std::move(from_address), std::move(to), std::move(data));
}

}  // namespace myelin::services
