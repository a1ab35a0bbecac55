#include "config/registration_settings.hpp"

#include "config/yaml_readers.hpp"

namespace myelin::config {

std::vector<Setting> registration_settings() {
  return {
      {.key = "registration",
       .doc = "Who may create an account through the client API.\n"
              "mode: token  - sign-up needs a registration token an admin created (default)\n"
              "      open   - anyone may sign up (spam bots will find it; combine with e-mail)\n"
              "      closed - only admins create accounts (admin API, `myelin register-user`)\n"
              "require_email: sign-up also needs a verified e-mail address (configure email:)\n"
              "Single sign-on (oidc_providers) works alongside any mode.",
       .default_yaml = "{mode: token, require_email: false}",
       .read =
           [](const YAML::Node& node, Config& config, ConfigErrors& errors) {
             if (!check_mapping(node, "registration", {"mode", "require_email"}, errors)) return;
             RegistrationConfig& registration = config.registration;
             std::string mode = "token";
             if (node["mode"] && !read_string(node["mode"], "registration.mode", mode, errors)) {
               return;
             }
             if (mode == "token") {
               registration.mode = RegistrationConfig::Mode::kToken;
             } else if (mode == "open") {
               registration.mode = RegistrationConfig::Mode::kOpen;
             } else if (mode == "closed") {
               registration.mode = RegistrationConfig::Mode::kClosed;
             } else {
               report(errors, "registration.mode", "must be one of token, open, closed");
             }
             if (node["require_email"]) {
               read_bool(node["require_email"], "registration.require_email",
                         registration.require_email, errors);
             }
           }},
  };
}

}  // namespace myelin::config
