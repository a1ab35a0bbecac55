#include "services/users/registration_flows.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace myelin::services {
namespace {

using ::testing::ElementsAre;
using Mode = config::RegistrationConfig::Mode;

std::vector<std::vector<std::string>> stages(Mode mode, bool require_email) {
  config::RegistrationConfig config;
  config.mode = mode;
  config.require_email = require_email;
  std::optional<std::vector<UiaFlow>> flows = registration_flows(config);
  EXPECT_TRUE(flows.has_value());
  std::vector<std::vector<std::string>> out;
  if (flows) {
    for (const UiaFlow& flow : *flows) out.push_back(flow.stages);
  }
  return out;
}

TEST(RegistrationFlows, TokenModeAsksForAToken) {
  EXPECT_THAT(stages(Mode::kToken, false), ElementsAre(ElementsAre("m.login.registration_token")));
  EXPECT_THAT(stages(Mode::kToken, true),
              ElementsAre(ElementsAre("m.login.registration_token", "m.login.email.identity")));
}

TEST(RegistrationFlows, OpenModeAsksForNothingButEmailWhenRequired) {
  EXPECT_THAT(stages(Mode::kOpen, false), ElementsAre(ElementsAre("m.login.dummy")));
  EXPECT_THAT(stages(Mode::kOpen, true), ElementsAre(ElementsAre("m.login.email.identity")));
}

TEST(RegistrationFlows, ClosedModeOffersNone) {
  config::RegistrationConfig config;
  config.mode = Mode::kClosed;
  EXPECT_FALSE(registration_flows(config).has_value());
  config.require_email = true;
  EXPECT_FALSE(registration_flows(config).has_value());
}

TEST(RegistrationFlows, DefaultConfigIsTokenMode) {
  EXPECT_THAT(registration_flows(config::RegistrationConfig{}).value()[0].stages,
              ElementsAre("m.login.registration_token"));
}

}  // namespace
}  // namespace myelin::services
