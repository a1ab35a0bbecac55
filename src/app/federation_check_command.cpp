#include "app/federation_check_command.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "config/config_loader.hpp"
#include "services/federation/check/federation_checker.hpp"

namespace myelin::app {
namespace {

namespace fc = services::federation_check;

constexpr int kWorks = 0;
constexpr int kBroken = 1;
constexpr int kUsage = 2;

const char* status_tag(fc::CheckStatus status) {
  switch (status) {
    case fc::CheckStatus::kOk:
      return "ok  ";
    case fc::CheckStatus::kWarn:
      return "WARN";
    case fc::CheckStatus::kFail:
      return "FAIL";
    case fc::CheckStatus::kInfo:
      break;
  }
  return "    ";
}

// federation.dns_servers from the config file. Read from the YAML itself so that the command
// works with any config that names resolvers, whatever else the file holds.
std::vector<std::string> config_dns_servers(const std::string& path) {
  std::vector<std::string> servers;
  YAML::Node root = YAML::LoadFile(path);
  YAML::Node list = root["federation"] ? root["federation"]["dns_servers"] : YAML::Node();
  if (list && list.IsSequence()) {
    for (const YAML::Node& entry : list) servers.push_back(entry.as<std::string>());
  }
  return servers;
}

void render(const fc::CheckReport& report, std::ostream& out) {
  out << "Federation check for " << report.server_name << "\n";
  for (const fc::CheckSection& section : report.sections) {
    out << "\n== " << section.title << "\n";
    for (const fc::CheckLine& line : section.lines) {
      out << "  " << status_tag(line.status) << "  " << line.text << "\n";
    }
  }
  out << "\nVerdict: federation with " << report.server_name << (report.works ? " WORKS" : " FAILS")
      << "\n";
  for (const std::string& fix : report.fixes) out << "FIX: " << fix << "\n";
}

}  // namespace

int federation_check(const FederationCheckOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<std::string> ca_files = options.ca_files;
  std::vector<std::string> dns_servers = options.dns_servers;
  if (!options.config_path.empty()) {
    config::LoadResult loaded = config::load_config_file(options.config_path);
    if (!loaded.config) {
      err << "myelin federation check: cannot use the configuration:\n"
          << config::format_errors(options.config_path, loaded.errors);
      return kUsage;
    }
    ca_files.insert(ca_files.end(), loaded.config->trusted_ca_files.begin(),
                    loaded.config->trusted_ca_files.end());
    if (dns_servers.empty()) {
      try {
        dns_servers = config_dns_servers(options.config_path);
      } catch (const YAML::Exception& e) {
        err << "myelin federation check: " << options.config_path << ": " << e.what() << "\n";
        return kUsage;
      }
    }
  }
  std::unique_ptr<fc::CheckDns> dns;
  try {
    dns = fc::make_check_dns(dns_servers, options.timeout);
  } catch (const std::exception& e) {
    err << "myelin federation check: " << e.what() << "\n";
    return kUsage;
  }
  const fc::ProbeOptions probe_options{ca_files, options.timeout};
  fc::Prober prober = [&probe_options](const fc::ProbeTarget& target,
                                       const std::vector<std::string>& paths) {
    return fc::probe_https(target, paths, probe_options);
  };
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  fc::CheckReport report;
  try {
    report = fc::check_federation(options.server_name, *dns, prober, now_ms);
  } catch (const std::exception& e) {  // an unreadable CA file, say
    err << "myelin federation check: " << e.what() << "\n";
    return kUsage;
  }
  render(report, out);
  return report.works ? kWorks : kBroken;
}

void add_federation_commands(CLI::App& app, int& exit_code) {
  CLI::App* federation = app.add_subcommand("federation", "Federation tools");
  federation->require_subcommand(1);
  auto options = std::make_shared<FederationCheckOptions>();
  auto timeout_s = std::make_shared<double>(5.0);
  CLI::App* check = federation->add_subcommand(
      "check", "Walk server discovery for SERVER_NAME and say whether federation would work");
  check->add_option("server_name", options->server_name, "The server name to check")->required();
  check->add_option("-c,--config", options->config_path,
                    "homeserver.yaml: its trusted_ca_files and federation.dns_servers are used");
  check->add_option("--ca-file", options->ca_files,
                    "A PEM file of CAs to trust on top of the system's (repeatable)");
  check->add_option("--dns-server", options->dns_servers,
                    "Resolver to ask, ip[:port] (repeatable; default: the config's, else the "
                    "system's)");
  check->add_option("--timeout", *timeout_s, "Seconds allowed for each lookup and connection")
      ->check(CLI::PositiveNumber);
  check->callback([options, timeout_s, &exit_code] {
    options->timeout = std::chrono::milliseconds(static_cast<long>(*timeout_s * 1000));
    exit_code = federation_check(*options, std::cout, std::cerr);
  });
}

}  // namespace myelin::app
