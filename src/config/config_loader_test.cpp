#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/config_test_support.hpp"
#include "config/sample_config.hpp"

namespace myelin::config {
namespace {

SampleParameters sample_parameters() {
  return {.server_name = "example.org",
          .listen_address = "127.0.0.1",
          .listen_port = 8448,
          .data_dir = "/var/lib/myelin",
          .registration_shared_secret = "s3cret"};
}

using testing::has_error;

TEST(ConfigLoader, GeneratedSampleLoadsBack) {
  LoadResult result = load_config_text(generate_sample_config(sample_parameters()), "s.yaml");
  ASSERT_TRUE(result.config) << format_errors("s.yaml", result.errors);
  const Config& c = *result.config;
  EXPECT_EQ(c.server_name, "example.org");
  EXPECT_EQ(c.data_dir, "/var/lib/myelin");
  EXPECT_EQ(c.registration_shared_secret, "s3cret");
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_EQ(c.listeners[0].port, 8448);
  EXPECT_EQ(c.listeners[0].bind_addresses, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(c.listeners[0].resources, (std::vector<std::string>{"client", "federation"}));
  // Derived defaults.
  EXPECT_EQ(c.public_baseurl, "https://example.org/");
  EXPECT_EQ(c.database.backend, "sqlite3");
  EXPECT_EQ(c.database.path, "/var/lib/myelin/homeserver.db");
  EXPECT_EQ(c.signing_key_path, "/var/lib/myelin/example.org.signing.key");
  EXPECT_EQ(c.well_known.client_base_url, "https://example.org/");
  EXPECT_EQ(c.max_request_body_size, 50u * 1024 * 1024);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_GE(c.worker_threads, 1u);
  EXPECT_TRUE(c.trusted_ca_files.empty());
}

TEST(ConfigLoader, SampleDocumentsEveryKey) {
  std::string sample = generate_sample_config(sample_parameters());
  for (const Setting& setting : config_schema()) {
    EXPECT_NE(sample.find(std::string(setting.key) + ":"), std::string::npos) << setting.key;
  }
}

TEST(ConfigLoader, ReportsEveryErrorAtOnce) {
  LoadResult result = load_config_text(R"(
data_dir: /tmp/x
listeners:
  - port: 70000
    resources: [{names: [client, gopher]}]
  - bind_addresses: 7
log_level: loud
max_request_body_size: lots
servr_name: typo.org
well_known: {server: "bad host!", extra: 1}
database: {name: postgres}
)",
                                       "bad.yaml");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "server_name", "is required"));
  EXPECT_TRUE(has_error(result, "servr_name", "unknown key"));
  EXPECT_TRUE(has_error(result, "listeners[0].port", "0 to 65535"));
  EXPECT_TRUE(has_error(result, "listeners[0].resources[0].names", "gopher"));
  EXPECT_TRUE(has_error(result, "listeners[1].port", "is required"));
  EXPECT_TRUE(has_error(result, "listeners[1].bind_addresses", "list of strings"));
  EXPECT_TRUE(has_error(result, "log_level", "one of"));
  EXPECT_TRUE(has_error(result, "max_request_body_size", "size"));
  EXPECT_TRUE(has_error(result, "well_known.server", ""));
  EXPECT_TRUE(has_error(result, "well_known.extra", "unknown key"));
  EXPECT_TRUE(has_error(result, "database.name", "sqlite3"));
  std::string text = format_errors("bad.yaml", result.errors);
  EXPECT_NE(text.find("bad.yaml: log_level: must be one of"), std::string::npos) << text;
}

TEST(ConfigLoader, SyntaxErrorNamesTheLine) {
  LoadResult result = load_config_text("server_name: a\nlisteners: [\n", "broken.yaml");
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].key, "(syntax)");
  EXPECT_NE(result.errors[0].reason.find("line "), std::string::npos);
}

TEST(ConfigLoader, NotAMapping) {
  EXPECT_FALSE(load_config_text("- 1\n- 2\n", "x").config);
  EXPECT_FALSE(load_config_file("/nonexistent/myelin.yaml").config);
}

TEST(ConfigLoader, SecretFromPathFile) {
  auto dir = std::filesystem::temp_directory_path() / ("myelin-config-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "secret") << "from-file\n";
  std::string base = "server_name: example.org\ndata_dir: /d\n";
  LoadResult ok = load_config_text(
      base + "registration_shared_secret_path: " + (dir / "secret").string() + "\n", "c");
  ASSERT_TRUE(ok.config) << format_errors("c", ok.errors);
  EXPECT_EQ(ok.config->registration_shared_secret, "from-file");

  LoadResult both = load_config_text(
      base + "registration_shared_secret: x\nregistration_shared_secret_path: /y\n", "c");
  EXPECT_TRUE(has_error(both, "registration_shared_secret_path", "either"));
  LoadResult missing =
      load_config_text(base + "registration_shared_secret_path: /nonexistent/s\n", "c");
  EXPECT_TRUE(has_error(missing, "registration_shared_secret_path", "cannot read"));
  std::filesystem::remove_all(dir);
}

TEST(ConfigLoader, TlsListenerNeedsCertificate) {
  LoadResult result = load_config_text(
      "server_name: example.org\ndata_dir: /d\nlisteners: [{port: 8448, tls: true}]\n", "c");
  EXPECT_TRUE(has_error(result, "tls_certificate_path", "tls: true"));
}

}  // namespace
}  // namespace myelin::config
