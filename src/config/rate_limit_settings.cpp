#include "config/rate_limit_settings.hpp"

#include <string>

#include "config/yaml_readers.hpp"

namespace myelin::config {

namespace {

// {per_second, burst_count}; a field left out keeps `limit`'s value (Synapse reads each with its
// own default). A limit that never refills or allows nothing is refused: it would lock clients
// out for good, which no operator means (Synapse divides by per_second and would fail later).
void read_limit(const YAML::Node& node, const std::string& key, RateLimit& limit,
                ConfigErrors& errors) {
  if (!check_mapping(node, key, {"per_second", "burst_count"}, errors)) return;
  if (node["per_second"] &&
      read_number(node["per_second"], key + ".per_second", limit.per_second, errors) &&
      limit.per_second <= 0) {
    report(errors, key + ".per_second", "must be above 0");
  }
  if (node["burst_count"] &&
      read_number(node["burst_count"], key + ".burst_count", limit.burst_count, errors) &&
      limit.burst_count < 1) {
    report(errors, key + ".burst_count", "must be at least 1");
  }
}

// A key holding one limit: rc_message: {per_second: 0.2, burst_count: 10}.
Setting single(std::string_view key, std::string_view doc, std::string_view default_yaml,
               RateLimit RateLimitConfig::*member) {
  return {.key = key,
          .doc = doc,
          .default_yaml = default_yaml,
          .sample = {},
          .read = [key = std::string(key), member](const YAML::Node& node, Config& config,
                                                   ConfigErrors& errors) {
            read_limit(node, key, config.rate_limits.*member, errors);
          }};
}

struct Part {
  std::string_view name;
  RateLimit RateLimitConfig::*member;
};

// A key holding named limits: rc_login: {address: {...}, account: {...}, ...}.
Setting grouped(std::string_view key, std::string_view doc, std::string_view default_yaml,
                std::vector<Part> parts) {
  return {.key = key,
          .doc = doc,
          .default_yaml = default_yaml,
          .sample = {},
          .read = [key = std::string(key), parts](const YAML::Node& node, Config& config,
                                                  ConfigErrors& errors) {
            if (!node.IsMap()) {
              report(errors, key, "must be a mapping");
              return;
            }
            for (const auto& entry : node) {
              const std::string name = entry.first.as<std::string>("");
              bool known = false;
              for (const Part& part : parts) known = known || part.name == name;
              if (!known) report(errors, key + "." + name, "unknown key");
            }
            for (const Part& part : parts) {
              const YAML::Node value = node[std::string(part.name)];
              if (value) {
                read_limit(value, key + "." + std::string(part.name),
                           config.rate_limits.*part.member, errors);
              }
            }
          }};
}

}  // namespace

std::vector<Setting> rate_limit_settings() {
  return {
      single("rc_message",
             "Rate limits: a client may do burst_count actions at once, then per_second a second\n"
             "on average; more are refused with 429 M_LIMIT_EXCEEDED and retry_after_ms.\n"
             "Events a user sends (messages, state, redactions), per user. An admin can lift or\n"
             "change it for one user (/_synapse/admin/v1/users/<user>/override_ratelimit).",
             "{per_second: 0.2, burst_count: 10}", &RateLimitConfig::message),
      single("rc_registration", "Registrations, per client IP address.",
             "{per_second: 0.17, burst_count: 3}", &RateLimitConfig::registration),
      single("rc_registration_token_validity",
             "Registration token validity checks, per client IP address.",
             "{per_second: 0.1, burst_count: 5}", &RateLimitConfig::registration_token_validity),
      grouped("rc_login",
              "Logins. address: per client IP; account: successful logins per account;\n"
              "failed_attempts: failed logins per account.",
              "{address: {per_second: 0.003, burst_count: 5}, account: {per_second: 0.003, "
              "burst_count: 5}, failed_attempts: {per_second: 0.17, burst_count: 3}}",
              {{"address", &RateLimitConfig::login_address},
               {"account", &RateLimitConfig::login_account},
               {"failed_attempts", &RateLimitConfig::login_failed_attempts}}),
      {.key = "rc_admin_redaction",
       .doc = "Redactions of other users' events (room moderators cleaning up), per user.\n"
              "Unset: they count against rc_message like any event.",
       .default_yaml = "null",
       .sample = {},
       .read =
           [](const YAML::Node& node, Config& config, ConfigErrors& errors) {
             if (node.IsNull()) return;
             RateLimit limit = config.rate_limits.message;
             read_limit(node, "rc_admin_redaction", limit, errors);
             config.rate_limits.admin_redaction = limit;
           }},
      grouped(
          "rc_joins",
          "Room joins, per user. local: rooms this server is in; remote: rooms it is not.",
          "{local: {per_second: 0.1, burst_count: 10}, remote: {per_second: 0.01, "
          "burst_count: 10}}",
          {{"local", &RateLimitConfig::joins_local}, {"remote", &RateLimitConfig::joins_remote}}),
      grouped("rc_invites",
              "Invites. per_room: per room invited to; per_user: per user invited;\n"
              "per_issuer: per user inviting.",
              "{per_room: {per_second: 0.3, burst_count: 10}, per_user: {per_second: 0.003, "
              "burst_count: 5}, per_issuer: {per_second: 0.3, burst_count: 10}}",
              {{"per_room", &RateLimitConfig::invites_per_room},
               {"per_user", &RateLimitConfig::invites_per_user},
               {"per_issuer", &RateLimitConfig::invites_per_issuer}}),
      single("rc_3pid_validation", "E-mail validation requests, per client IP address.",
             "{per_second: 0.003, burst_count: 5}", &RateLimitConfig::threepid_validation),
  };
}

}  // namespace myelin::config
