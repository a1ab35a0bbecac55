#pragma once

namespace myelin::config {

// Who may create an account through the client API (`registration:` in the config file).
struct RegistrationConfig {
  enum class Mode {
    kToken,   // sign-up needs a registration token from an admin (the default: no spam bots)
    kOpen,    // anyone may sign up
    kClosed,  // only admins create accounts (admin API, shared secret, `myelin register-user`)
  };
  Mode mode = Mode::kToken;
  // Sign-up also needs a verified e-mail address (m.login.email.identity); needs `email:`.
  bool require_email = false;
};

}  // namespace myelin::config
