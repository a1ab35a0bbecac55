#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/email_config.hpp"
#include "config/federation_config.hpp"
#include "config/media_config.hpp"
#include "config/oidc_config.hpp"
#include "config/rate_limit_config.hpp"
#include "config/registration_config.hpp"
#include "config/server_key_config.hpp"
#include "config/server_notices_config.hpp"

namespace myelin::config {

// One HTTP listener, in Synapse's shape so existing configs and docs carry over.
struct Listener {
  std::uint16_t port = 8008;
  std::vector<std::string> bind_addresses;
  bool tls = false;
  // Behind a reverse proxy: trust X-Forwarded-For for the client address.
  bool x_forwarded = false;
  // Which APIs this listener serves: "client" and/or "federation".
  std::vector<std::string> resources;
};

struct Database {
  std::string backend = "sqlite3";  // "sqlite3" (embedded default); "psycopg2" later
  std::string path;                 // the SQLite file
};

struct WellKnown {
  // Delegation target served at /.well-known/matrix/server ("host[:port]"); empty: not served.
  std::string server;
  // m.homeserver.base_url served at /.well-known/matrix/client; empty: public_baseurl.
  std::string client_base_url;
};

// The validated configuration. Every field has passed the schema's validator, so code using it
// needs no further checks.
struct Config {
  std::string source_path;  // the file it was read from, for messages
  std::string server_name;
  std::string public_baseurl;
  std::string data_dir;
  std::vector<Listener> listeners;
  std::string tls_certificate_path;
  std::string tls_private_key_path;
  std::vector<std::string> trusted_ca_files;  // extra CAs for outgoing TLS
  Database database;
  std::string signing_key_path;
  std::string registration_shared_secret;
  RegistrationConfig registration;
  EmailConfig email;                               // email:
  RateLimitConfig rate_limits;                     // rc_*
  MediaConfig media;                               // media_store_path, max_upload_size
  ServerNoticesConfig server_notices;              // server_notices:
  std::vector<OidcProviderConfig> oidc_providers;  // oidc_providers: SSO identity providers
  WellKnown well_known;
  FederationConfig federation;  // federation: discovery DNS, certificate checks
  ServerKeyConfig server_keys;  // trusted_key_servers, old_signing_keys, key_refresh_interval
  std::uint64_t max_request_body_size = 0;
  std::string log_level;
  unsigned worker_threads = 0;  // 0: one per core
};

}  // namespace myelin::config
