#include "config/email_settings.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "config/yaml_readers.hpp"

namespace myelin::config {

namespace {

void read_port(const YAML::Node& node, EmailConfig& email, ConfigErrors& errors) {
  std::uint64_t port = 0;
  if (read_uint(node, "email.smtp_port", 1, 65535, port, errors)) {
    email.smtp_port = static_cast<std::uint16_t>(port);
  }
}

// smtp_pass_path: the password from a file (trailing newlines dropped), as other secrets.
void read_password_file(const YAML::Node& node, EmailConfig& email, ConfigErrors& errors) {
  std::string path;
  if (!read_string(node, "email.smtp_pass_path", path, errors)) return;
  std::ifstream in(path);
  if (!in) {
    report(errors, "email.smtp_pass_path", "cannot read " + path);
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  email.smtp_pass = text.str();
  while (!email.smtp_pass.empty() &&
         (email.smtp_pass.back() == '\n' || email.smtp_pass.back() == '\r')) {
    email.smtp_pass.pop_back();
  }
}

void read_email(const YAML::Node& node, Config& config, ConfigErrors& errors) {
  if (!check_mapping(node, "email",
                     {"smtp_host", "smtp_port", "smtp_user", "smtp_pass", "smtp_pass_path",
                      "force_tls", "require_transport_security", "enable_tls", "notif_from",
                      "app_name", "validation_token_lifetime"},
                     errors)) {
    return;
  }
  EmailConfig& email = config.email;
  if (node["smtp_host"] &&
      read_string(node["smtp_host"], "email.smtp_host", email.smtp_host, errors) &&
      email.smtp_host.empty()) {
    report(errors, "email.smtp_host", "must not be empty");
  }
  if (node["smtp_port"]) read_port(node["smtp_port"], email, errors);
  if (node["smtp_user"]) read_string(node["smtp_user"], "email.smtp_user", email.smtp_user, errors);
  if (node["smtp_pass"] && node["smtp_pass_path"]) {
    report(errors, "email.smtp_pass_path", "set either email.smtp_pass or email.smtp_pass_path");
  } else if (node["smtp_pass"]) {
    read_string(node["smtp_pass"], "email.smtp_pass", email.smtp_pass, errors);
  } else if (node["smtp_pass_path"]) {
    read_password_file(node["smtp_pass_path"], email, errors);
  }
  if (node["force_tls"]) read_bool(node["force_tls"], "email.force_tls", email.force_tls, errors);
  if (node["require_transport_security"]) {
    read_bool(node["require_transport_security"], "email.require_transport_security",
              email.require_transport_security, errors);
  }
  if (node["enable_tls"]) {
    read_bool(node["enable_tls"], "email.enable_tls", email.enable_tls, errors);
  }
  if (email.require_transport_security && !email.enable_tls && !email.force_tls) {
    report(errors, "email.require_transport_security",
           "needs enable_tls (STARTTLS) or force_tls: the mail could never be sent");
  }
  if (node["notif_from"]) {
    read_string(node["notif_from"], "email.notif_from", email.notif_from, errors);
    if (email.notif_from.find('@') == std::string::npos) {
      report(errors, "email.notif_from", "must contain an e-mail address");
    }
  } else if (node.size() > 0) {
    report(errors, "email.notif_from", "is required to send e-mail");
  }
  if (node["app_name"]) read_string(node["app_name"], "email.app_name", email.app_name, errors);
  if (node["validation_token_lifetime"]) {
    const YAML::Node& lifetime = node["validation_token_lifetime"];
    std::optional<std::int64_t> ms =
        lifetime.IsScalar() ? parse_duration_ms(lifetime.Scalar()) : std::nullopt;
    if (!ms || *ms <= 0) {
      report(errors, "email.validation_token_lifetime",
             "must be a positive duration such as 1h, 30m or 600s");
    } else {
      email.validation_token_lifetime_ms = *ms;
    }
  }
}

}  // namespace

std::optional<std::int64_t> parse_duration_ms(const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [rest, err] = std::from_chars(text.data(), end, value);
  if (err != std::errc() || rest == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  std::int64_t factor = 0;
  if (unit.empty() || unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1000;
  } else if (unit == "m") {
    factor = 60 * 1000;
  } else if (unit == "h") {
    factor = 60 * 60 * 1000;
  } else if (unit == "d") {
    factor = 24 * 60 * 60 * 1000;
  } else if (unit == "w") {
    factor = 7 * 24 * 60 * 60 * 1000;
  } else if (unit == "y") {
    factor = 365LL * 24 * 60 * 60 * 1000;
  } else {
    return std::nullopt;
  }
  if (value > INT64_MAX / factor) return std::nullopt;
  return value * factor;
}

std::vector<Setting> email_settings() {
  return {
      {.key = "email",
       .doc = "Outgoing e-mail (validation links, password resets), through an SMTP relay.\n"
              "smtp_host, smtp_port (25): the relay; smtp_user, smtp_pass (or smtp_pass_path):\n"
              "  AUTH PLAIN/LOGIN when set\n"
              "force_tls: TLS from the start (port 465); enable_tls: STARTTLS when offered\n"
              "  (default true); require_transport_security: never send without TLS\n"
              "  Certificates are checked against the system CAs and trusted_ca_files.\n"
              "notif_from: the From: address (\"%(app)s\" becomes app_name); required\n"
              "validation_token_lifetime: how long a validation link works (default 1h)\n"
              "registration.require_email needs this section. For example:\n"
              "email:\n"
              "  smtp_host: mail.example.org\n"
              "  smtp_port: 587\n"
              "  smtp_user: myelin\n"
              "  smtp_pass_path: /etc/myelin/smtp_pass\n"
              "  require_transport_security: true\n"
              "  notif_from: \"Your %(app)s homeserver <noreply@example.org>\"",
       .default_yaml = "{}",
       .sample = {},
       .read =
           [](const YAML::Node& node, Config& config, ConfigErrors& errors) {
             read_email(node, config, errors);
             if (config.registration.require_email && !config.email.configured()) {
               report(errors, "registration.require_email",
                      "needs e-mail: configure email: (smtp_host, notif_from)");
             }
           }},
  };
}

}  // namespace myelin::config
