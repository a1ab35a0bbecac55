#include "config/registration_settings.hpp"

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = testing::kMinimalConfig;

using testing::has_error;

TEST(RegistrationSettings, TokenRegistrationWithoutEmailIsTheDefault) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_EQ(result.config->registration.mode, RegistrationConfig::Mode::kToken);
  EXPECT_FALSE(result.config->registration.require_email);
}

TEST(RegistrationSettings, ReadsEveryMode) {
  const std::pair<const char*, RegistrationConfig::Mode> cases[] = {
      {"token", RegistrationConfig::Mode::kToken},
      {"open", RegistrationConfig::Mode::kOpen},
      {"closed", RegistrationConfig::Mode::kClosed},
  };
  for (const auto& [name, mode] : cases) {
    LoadResult result = load_config_text(kBase + "registration: {mode: " + name +
                                             ", require_email: true}\nemail: {notif_from: a@b.c}\n",
                                         "c");
    ASSERT_TRUE(result.config) << format_errors("c", result.errors);
    EXPECT_EQ(result.config->registration.mode, mode) << name;
    EXPECT_TRUE(result.config->registration.require_email);
  }
}

TEST(RegistrationSettings, RefusesUnknownModesKeysAndValues) {
  LoadResult result = load_config_text(
      kBase + "registration: {mode: sometimes, require_email: perhaps, captcha: true}\n", "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "registration.mode", "token, open, closed"));
  EXPECT_TRUE(has_error(result, "registration.require_email", "true or false"));
  EXPECT_TRUE(has_error(result, "registration.captcha", "unknown key"));
}

TEST(RegistrationSettings, NamesWhatReplacedSynapsesKeys) {
  LoadResult result = load_config_text(
      kBase + "enable_registration: true\nenable_registration_without_verification: true\n", "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "enable_registration", "registration.mode"));
  EXPECT_TRUE(has_error(result, "enable_registration_without_verification", "mode: open"));
}

}  // namespace
}  // namespace myelin::config
