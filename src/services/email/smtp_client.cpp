#include "services/email/smtp_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "base/log.hpp"
#include "services/email/smtp_connection.hpp"

namespace myelin::services {

namespace asio = boost::asio;

namespace {

// A reply other than `expected` ends the attempt: 4xx may pass on a later attempt, 5xx never.
void expect(const smtp::Reply& reply, int expected, const char* step) {
  if (reply.code == expected) return;
  throw SmtpError(reply.transient() ? SmtpFailure::kDeferred : SmtpFailure::kRefused,
                  std::string("the mail server refused ") + step + ": " +
                      std::to_string(reply.code) + " " + reply.text());
}

// Addresses go inside <...>; a CR, LF or '>' there would let a recipient smuggle commands.
std::string envelope_address(const std::string& address) {
  if (address.find_first_of("\r\n<>") != std::string::npos) {
    throw SmtpError(SmtpFailure::kRefused, "invalid e-mail address");
  }
  return "<" + address + ">";
}

}  // namespace

SmtpSettings SmtpSettings::from_config(const config::Config& config) {
  SmtpSettings settings;
  const config::EmailConfig& email = config.email;
  settings.host = email.smtp_host;
  settings.port = email.smtp_port;
  settings.user = email.smtp_user;
  settings.password = email.smtp_pass;
  settings.force_tls = email.force_tls;
  settings.enable_tls = email.enable_tls;
  settings.require_tls = email.require_transport_security;
  settings.trusted_ca_files = config.trusted_ca_files;
  settings.client_name = config.server_name;
  return settings;
}

SmtpClient::SmtpClient(SmtpSettings settings)
    : settings_(std::move(settings)),
      tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {
  tls_->set_default_verify_paths();
  for (const std::string& file : settings_.trusted_ca_files) {
    boost::system::error_code ec;
    tls_->load_verify_file(file, ec);
    if (ec) throw std::runtime_error("cannot load trusted CA file " + file + ": " + ec.message());
  }
  tls_->set_verify_mode(asio::ssl::verify_peer);
}

SmtpClient::~SmtpClient() = default;

asio::awaitable<void> SmtpClient::send(std::string from_address, std::string to_address,
                                       std::string data) {
  auto executor = co_await asio::this_coro::executor;
  std::chrono::milliseconds backoff = settings_.first_backoff;
  for (int attempt_number = 1;; ++attempt_number) {
    std::optional<SmtpError> failure;
    try {
      // A strand per attempt: the time-out timer and the socket never run concurrently.
      auto strand = asio::make_strand(executor);
      auto one = attempt(from_address, to_address, data);
      co_await asio::co_spawn(strand, std::move(one), asio::use_awaitable);
      co_return;
    } catch (const SmtpError& e) {
      failure.emplace(e);
    }
    if (failure->permanent() || attempt_number >= settings_.attempts) {
      log::warn("email", "sending mail to {} failed after {} attempt(s): {}", to_address,
                attempt_number, failure->what());
      throw *failure;
    }
    log::info("email", "sending mail to {} failed (attempt {}), retrying in {} ms: {}", to_address,
              attempt_number, backoff.count(), failure->what());
    asio::steady_timer pause(executor, backoff);
    co_await pause.async_wait(asio::use_awaitable);
    backoff *= 2;
  }
}

asio::awaitable<void> SmtpClient::attempt(std::string from_address, std::string to_address,
                                          std::string data) {
  auto executor = co_await asio::this_coro::executor;
  SmtpConnection connection(executor, *tls_, settings_.timeout);
  try {
    co_await connection.connect(settings_.host, settings_.port);
    if (settings_.force_tls) co_await connection.start_tls(settings_.host);
    smtp::Reply greeting = co_await connection.read_reply();
    expect(greeting, 220, "the connection");

    const std::string ehlo = "EHLO " + settings_.client_name;
    smtp::Reply hello = co_await connection.command(ehlo);
    if (!hello.positive()) {
      // A server without ESMTP: HELO, with nothing to negotiate.
      const std::string helo = "HELO " + settings_.client_name;
      hello = co_await connection.command(helo);
      expect(hello, 250, "HELO");
    }
    smtp::Extensions extensions = smtp::parse_ehlo(hello);

    if (!connection.encrypted() && settings_.enable_tls && extensions.starttls) {
      const std::string starttls = "STARTTLS";
      smtp::Reply tls_ready = co_await connection.command(starttls);
      expect(tls_ready, 220, "STARTTLS");
      co_await connection.start_tls(settings_.host);
      // RFC 3207: forget what was learnt in the clear and ask again.
      hello = co_await connection.command(ehlo);
      expect(hello, 250, "EHLO");
      extensions = smtp::parse_ehlo(hello);
    }
    if (settings_.require_tls && !connection.encrypted()) {
      throw SmtpError(SmtpFailure::kInsecure,
                      "the mail server does not offer STARTTLS, and TLS is required");
    }

    if (!settings_.user.empty()) {
      if (extensions.supports_auth("PLAIN")) {
        const std::string auth =
            "AUTH PLAIN " + smtp::auth_plain(settings_.user, settings_.password);
        smtp::Reply auth_plain_reply = co_await connection.command(auth);
        expect(auth_plain_reply, 235, "the credentials");
      } else if (extensions.supports_auth("LOGIN")) {
        const std::string auth = "AUTH LOGIN";
        smtp::Reply login_started = co_await connection.command(auth);
        expect(login_started, 334, "AUTH LOGIN");
        const std::string user = smtp::base64_padded(settings_.user);
        smtp::Reply user_accepted = co_await connection.command(user);
        expect(user_accepted, 334, "the user name");
        const std::string password = smtp::base64_padded(settings_.password);
        smtp::Reply password_accepted = co_await connection.command(password);
        expect(password_accepted, 235, "the credentials");
      } else {
        throw SmtpError(SmtpFailure::kRefused,
                        "the mail server offers neither AUTH PLAIN nor AUTH LOGIN");
      }
    }

    const std::string mail_from = "MAIL FROM:" + envelope_address(from_address);
    smtp::Reply sender_accepted = co_await connection.command(mail_from);
    expect(sender_accepted, 250, "the sender");
    const std::string rcpt_to = "RCPT TO:" + envelope_address(to_address);
    smtp::Reply rcpt = co_await connection.command(rcpt_to);
    if (rcpt.code != 250 && rcpt.code != 251) expect(rcpt, 250, "the recipient");
    const std::string data_command = "DATA";
    smtp::Reply data_ready = co_await connection.command(data_command);
    expect(data_ready, 354, "DATA");
    std::string stuffed = smtp::dot_stuff(data);
    co_await connection.write(std::move(stuffed));
    smtp::Reply message_accepted = co_await connection.read_reply();
    expect(message_accepted, 250, "the message");
  } catch (...) {
    connection.close();
    throw;
  }
  // The message is accepted; a failing QUIT changes nothing about that.
  try {
    const std::string quit = "QUIT";
    co_await connection.command(quit);
  } catch (const SmtpError&) {
  }
  connection.close();
}

}  // namespace myelin::services
