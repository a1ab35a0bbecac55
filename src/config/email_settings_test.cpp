#include "config/email_settings.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = testing::kMinimalConfig;

using testing::has_error;

TEST(EmailSettings, AbsentMeansNotConfiguredWithSynapsesDefaults) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  const EmailConfig& email = result.config->email;
  EXPECT_FALSE(email.configured());
  EXPECT_EQ(email.smtp_host, "localhost");
  EXPECT_EQ(email.smtp_port, 25);
  EXPECT_TRUE(email.enable_tls);
  EXPECT_FALSE(email.force_tls);
  EXPECT_FALSE(email.require_transport_security);
  EXPECT_EQ(email.validation_token_lifetime_ms, 3600 * 1000);
}

TEST(EmailSettings, ReadsEveryKey) {
  LoadResult result = load_config_text(
      kBase +
          "email:\n  smtp_host: mail.example.org\n  smtp_port: 465\n  smtp_user: u\n"
          "  smtp_pass: p\n  force_tls: true\n  require_transport_security: true\n"
          "  enable_tls: false\n  notif_from: \"Your %(app)s homeserver <noreply@example.org>\"\n"
          "  app_name: Myelin\n  validation_token_lifetime: 15m\n",
      "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  const EmailConfig& email = result.config->email;
  EXPECT_TRUE(email.configured());
  EXPECT_EQ(email.smtp_host, "mail.example.org");
  EXPECT_EQ(email.smtp_port, 465);
  EXPECT_EQ(email.smtp_user, "u");
  EXPECT_EQ(email.smtp_pass, "p");
  EXPECT_TRUE(email.force_tls);
  EXPECT_TRUE(email.require_transport_security);
  EXPECT_FALSE(email.enable_tls);
  EXPECT_EQ(email.notif_from, "Your %(app)s homeserver <noreply@example.org>");
  EXPECT_EQ(email.app_name, "Myelin");
  EXPECT_EQ(email.validation_token_lifetime_ms, 15 * 60 * 1000);
}

TEST(EmailSettings, ReadsThePasswordFromAFile) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("myelin_smtp_pass_" + std::to_string(::getpid())))
          .string();
  std::ofstream(path) << "s3cret\n";
  LoadResult result = load_config_text(
      kBase + "email: {notif_from: a@b.c, smtp_pass_path: \"" + path + "\"}\n", "c");
  std::filesystem::remove(path);
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_EQ(result.config->email.smtp_pass, "s3cret");
}

TEST(EmailSettings, RequireEmailNeedsEmail) {
  LoadResult result =
      load_config_text(kBase + "registration: {mode: open, require_email: true}\n", "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "registration.require_email", "email"));

  result = load_config_text(
      kBase + "registration: {mode: open, require_email: true}\nemail: {notif_from: a@b.c}\n", "c");
  EXPECT_TRUE(result.config) << format_errors("c", result.errors);
}

TEST(EmailSettings, RefusesBadValues) {
  LoadResult result = load_config_text(
      kBase +
          "email: {smtp_port: 0, force_tls: maybe, validation_token_lifetime: soon, smtp_hots: x,"
          " notif_from: nobody, enable_tls: false, require_transport_security: true}\n",
      "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "email.smtp_port", "1 to 65535"));
  EXPECT_TRUE(has_error(result, "email.force_tls", "true or false"));
  EXPECT_TRUE(has_error(result, "email.validation_token_lifetime", "duration"));
  EXPECT_TRUE(has_error(result, "email.smtp_hots", "unknown key"));
  EXPECT_TRUE(has_error(result, "email.notif_from", "address"));
  EXPECT_TRUE(has_error(result, "email.require_transport_security", "enable_tls"));

  result = load_config_text(kBase + "email: {smtp_host: mail.example.org}\n", "c");
  EXPECT_TRUE(has_error(result, "email.notif_from", "required"));
}

TEST(EmailSettings, ParsesDurations) {
  EXPECT_EQ(parse_duration_ms("1h"), 3600000);
  EXPECT_EQ(parse_duration_ms("30m"), 1800000);
  EXPECT_EQ(parse_duration_ms("15s"), 15000);
  EXPECT_EQ(parse_duration_ms("2d"), 172800000);
  EXPECT_EQ(parse_duration_ms("250ms"), 250);
  EXPECT_EQ(parse_duration_ms("5000"), 5000);
  EXPECT_EQ(parse_duration_ms("h"), std::nullopt);
  EXPECT_EQ(parse_duration_ms("1x"), std::nullopt);
  EXPECT_EQ(parse_duration_ms("-1s"), std::nullopt);
  EXPECT_EQ(parse_duration_ms(""), std::nullopt);
}

}  // namespace
}  // namespace myelin::config
