#include "services/users/registration_flows.hpp"

namespace myelin::services {

std::optional<std::vector<UiaFlow>> registration_flows(const config::RegistrationConfig& config) {
  using Mode = config::RegistrationConfig::Mode;
  UiaFlow flow;
  switch (config.mode) {
    case Mode::kClosed:
      return std::nullopt;
    case Mode::kToken:
      // The token comes first, as Synapse offers it: a client without one stops before e-mail.
      flow.stages.emplace_back("m.login.registration_token");
      break;
    case Mode::kOpen:
      break;
  }
  if (config.require_email) flow.stages.emplace_back("m.login.email.identity");
  // A flow must name a stage; open sign-up without e-mail asks for nothing but a round trip.
  if (flow.stages.empty()) flow.stages.emplace_back("m.login.dummy");
  return std::vector<UiaFlow>{std::move(flow)};
}

}  // namespace myelin::services
