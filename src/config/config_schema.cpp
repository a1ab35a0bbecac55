#include "config/config_schema.hpp"

#include <algorithm>
#include <thread>

#include "config/email_settings.hpp"
#include "config/federation_settings.hpp"
#include "config/media_settings.hpp"
#include "config/oidc_settings.hpp"
#include "config/rate_limit_settings.hpp"
#include "config/registration_settings.hpp"
#include "config/server_key_settings.hpp"
#include "config/server_notices_settings.hpp"
#include "config/yaml_readers.hpp"
#include "protocol/ids/server_name.hpp"

namespace myelin::config {
namespace {

using Errors = ConfigErrors;

void read_listener(const YAML::Node& node, const std::string& key, Listener& listener,
                   Errors& errors) {
  if (!check_mapping(node, key,
                     {"port", "bind_addresses", "tls", "type", "x_forwarded", "resources"},
                     errors)) {
    return;
  }
  std::uint64_t port = 0;
  if (!node["port"]) {
    report(errors, key + ".port", "is required");
  } else if (read_uint(node["port"], key + ".port", 0, 65535, port, errors)) {  // 0: any free
    listener.port = static_cast<std::uint16_t>(port);
  }
  listener.bind_addresses = {"::1", "127.0.0.1"};
  if (node["bind_addresses"]) {
    read_string_list(node["bind_addresses"], key + ".bind_addresses", listener.bind_addresses,
                     errors);
  }
  if (node["tls"]) read_bool(node["tls"], key + ".tls", listener.tls, errors);
  if (node["x_forwarded"]) {
    read_bool(node["x_forwarded"], key + ".x_forwarded", listener.x_forwarded, errors);
  }
  if (node["type"] && (!node["type"].IsScalar() || node["type"].Scalar() != "http")) {
    report(errors, key + ".type", "must be \"http\"");
  }
  // Synapse's shape: resources: [{names: [client, federation]}]
  listener.resources.clear();
  const YAML::Node resources = node["resources"];
  if (!resources) {
    listener.resources = {"client"};
    return;
  }
  if (!resources.IsSequence()) {
    report(errors, key + ".resources", "must be a list of {names: [...]} entries");
    return;
  }
  for (std::size_t i = 0; i < resources.size(); ++i) {
    std::string entry_key = key + ".resources[" + std::to_string(i) + "]";
    if (!check_mapping(resources[i], entry_key, {"names", "compress"}, errors)) continue;
    std::vector<std::string> names;
    if (!resources[i]["names"]) {
      report(errors, entry_key + ".names", "is required");
      continue;
    }
    if (!read_string_list(resources[i]["names"], entry_key + ".names", names, errors)) continue;
    for (const std::string& name : names) {
      if (name != "client" && name != "federation") {
        report(errors, entry_key + ".names",
               "unknown resource \"" + name + "\" (known: client, federation)");
      } else {
        listener.resources.push_back(name);
      }
    }
  }
}

const Setting kCoreSettings[] = {
    {.key = "server_name",
     .doc = "The domain in your users' IDs (@alice:example.org) and room aliases. It cannot be\n"
            "changed once users exist. The server itself may run elsewhere: see well_known.",
     .sample = [](const SampleParameters& p) { return "\"" + p.server_name + "\""; },
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (!read_string(node, "server_name", config.server_name, errors)) return;
           auto parsed = ids::ServerName::parse(config.server_name);
           if (!parsed) report(errors, "server_name", parsed.error());
         }},
    {.key = "public_baseurl",
     .doc = "The URL clients use to reach this server. Default: https://<server_name>/",
     .default_yaml = "\"\"",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (!read_string(node, "public_baseurl", config.public_baseurl, errors)) return;
           const std::string& url = config.public_baseurl;
           if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
             report(errors, "public_baseurl", "must start with https:// or http://");
           }
         }},
    {.key = "data_dir",
     .doc = "Where the database, signing key and media live unless configured otherwise.",
     .sample = [](const SampleParameters& p) { return "\"" + p.data_dir + "\""; },
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (read_string(node, "data_dir", config.data_dir, errors) && config.data_dir.empty()) {
             report(errors, "data_dir", "must not be empty");
           }
         }},
    {.key = "listeners",
     .doc = "Where to listen. Each listener serves the client API, the federation API, or both.\n"
            "Put TLS in front (a reverse proxy) or set tls: true with the certificate below.",
     .default_yaml = "[{port: 8008, bind_addresses: ['::1', '127.0.0.1'], resources: [{names: "
                     "[client]}]}]",
     .sample =
         [](const SampleParameters& p) {
           return "\n  - port: " + std::to_string(p.listen_port) + "\n    bind_addresses: ['" +
                  p.listen_address +
                  "']\n    tls: false\n    type: http\n    x_forwarded: false\n"
                  "    resources:\n      - names: [client, federation]";
         },
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (!node.IsSequence() || node.size() == 0) {
             report(errors, "listeners", "must be a non-empty list");
             return;
           }
           config.listeners.clear();
           for (std::size_t i = 0; i < node.size(); ++i) {
             Listener listener;
             read_listener(node[i], "listeners[" + std::to_string(i) + "]", listener, errors);
             config.listeners.push_back(std::move(listener));
           }
         }},
    {.key = "tls_certificate_path",
     .doc = "PEM certificate chain and key for listeners with tls: true.",
     .default_yaml = "\"\"",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           read_string(node, "tls_certificate_path", config.tls_certificate_path, errors);
         }},
    {.key = "tls_private_key_path",
     .doc = "",
     .default_yaml = "\"\"",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           read_string(node, "tls_private_key_path", config.tls_private_key_path, errors);
         }},
    {.key = "trusted_ca_files",
     .doc = "Extra CA certificates (PEM files) trusted for outgoing TLS on top of the system's:\n"
            "OpenID providers, the SMTP relay, other servers. Only for private CAs.",
     .default_yaml = "[]",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           read_string_list(node, "trusted_ca_files", config.trusted_ca_files, errors);
         }},
    {.key = "database",
     .doc = "The database. sqlite3 is embedded and needs no set-up. Default: sqlite3 at\n"
            "<data_dir>/homeserver.db",
     .default_yaml = "{name: sqlite3, args: {database: \"\"}}",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (!check_mapping(node, "database", {"name", "args"}, errors)) return;
           if (node["name"])
             read_string(node["name"], "database.name", config.database.backend, errors);
           if (config.database.backend != "sqlite3") {
             report(errors, "database.name", "must be \"sqlite3\"");
           }
           if (node["args"]) {
             if (!check_mapping(node["args"], "database.args", {"database"}, errors)) return;
             if (node["args"]["database"]) {
               read_string(node["args"]["database"], "database.args.database", config.database.path,
                           errors);
             }
           }
         }},
    {.key = "signing_key_path",
     .doc = "This server's ed25519 signing key, in Synapse's format. Created on first start.\n"
            "Default: <data_dir>/<server_name>.signing.key",
     .default_yaml = "\"\"",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           read_string(node, "signing_key_path", config.signing_key_path, errors);
         }},
    {.key = "registration_shared_secret",
     .doc = "Lets `myelin register-user` and Synapse's shared-secret registration API create\n"
            "users. Keep it secret.",
     .default_yaml = "\"\"",
     .secret = true,
     .sample = [](const SampleParameters& p) { return "\"" + p.registration_shared_secret + "\""; },
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           read_string(node, "registration_shared_secret", config.registration_shared_secret,
                       errors);
         }},
    {.key = "well_known",
     .doc = "Delegation: when users are @alice:example.org but the server runs at\n"
            "matrix.example.org, serve these from example.org (or let myelin serve them).\n"
            "server: the host[:port] other servers should connect to (/.well-known/matrix/server)\n"
            "client_base_url: m.homeserver.base_url for clients (/.well-known/matrix/client)",
     .default_yaml = "{server: \"\", client_base_url: \"\"}",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (!check_mapping(node, "well_known", {"server", "client_base_url"}, errors)) return;
           if (node["server"] &&
               read_string(node["server"], "well_known.server", config.well_known.server, errors) &&
               !config.well_known.server.empty()) {
             auto parsed = ids::ServerName::parse(config.well_known.server);
             if (!parsed) report(errors, "well_known.server", parsed.error());
           }
           if (node["client_base_url"]) {
             read_string(node["client_base_url"], "well_known.client_base_url",
                         config.well_known.client_base_url, errors);
           }
         }},
    {.key = "max_request_body_size",
     .doc = "Larger request bodies are refused with 413 M_TOO_LARGE.",
     .default_yaml = "50M",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           read_size(node, "max_request_body_size", config.max_request_body_size, errors);
         }},
    {.key = "log_level",
     .doc = "One of: debug, info, warning, error.",
     .default_yaml = "info",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           if (!read_string(node, "log_level", config.log_level, errors)) return;
           const std::string& level = config.log_level;
           if (level != "debug" && level != "info" && level != "warning" && level != "error") {
             report(errors, "log_level", "must be one of debug, info, warning, error");
           }
         }},
    {.key = "worker_threads",
     .doc = "Threads serving requests. 0: one per CPU core.",
     .default_yaml = "0",
     .read =
         [](const YAML::Node& node, Config& config, Errors& errors) {
           std::uint64_t threads = 0;
           if (read_uint(node, "worker_threads", 0, 256, threads, errors)) {
             config.worker_threads = static_cast<unsigned>(threads);
           }
         }},
};

}  // namespace

// The core settings first, then each feature's group in the order the sample shows them.
std::span<const Setting> config_schema() {
  static const std::vector<Setting> schema = [] {
    std::vector<Setting> all(std::begin(kCoreSettings), std::end(kCoreSettings));
    for (auto group :
         {registration_settings, email_settings, rate_limit_settings, media_settings, oidc_settings,
          server_notices_settings, federation_settings, server_key_settings}) {
      std::vector<Setting> settings = group();
      all.insert(all.end(), settings.begin(), settings.end());
    }
    return all;
  }();
  return schema;
}

void apply_derived_defaults(Config& config) {
  if (config.public_baseurl.empty()) config.public_baseurl = "https://" + config.server_name + "/";
  if (config.public_baseurl.back() != '/') config.public_baseurl += '/';
  if (config.database.path.empty()) config.database.path = config.data_dir + "/homeserver.db";
  if (config.signing_key_path.empty()) {
    config.signing_key_path = config.data_dir + "/" + config.server_name + ".signing.key";
  }
  if (config.well_known.client_base_url.empty()) {
    config.well_known.client_base_url = config.public_baseurl;
  }
  if (config.worker_threads == 0) {
    config.worker_threads = std::max(1u, std::thread::hardware_concurrency());
  }
}

}  // namespace myelin::config
