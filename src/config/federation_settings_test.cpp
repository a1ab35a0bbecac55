#include "config/federation_settings.hpp"

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = testing::kMinimalConfig;
using testing::has_error;

TEST(FederationSettings, SystemResolverAndVerifiedCertificatesByDefault) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_TRUE(result.config->federation.dns_servers.empty());
  EXPECT_TRUE(result.config->federation.verify_certificates);
}

TEST(FederationSettings, ReadsEveryKey) {
  LoadResult result = load_config_text(
      kBase +
          "federation:\n  dns_servers: [\"127.0.0.1:5353\", \"::1\", \"[::1]:53\", 10.0.0.1]\n"
          "  verify_certificates: false\n",
      "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_EQ(result.config->federation.dns_servers,
            (std::vector<std::string>{"127.0.0.1:5353", "::1", "[::1]:53", "10.0.0.1"}));
  EXPECT_FALSE(result.config->federation.verify_certificates);
}

TEST(FederationSettings, RefusesBadValues) {
  EXPECT_TRUE(
      has_error(load_config_text(kBase + "federation:\n  dns_servers: [dns.example]\n", "c"),
                "federation.dns_servers", "dns.example"));
  EXPECT_TRUE(
      has_error(load_config_text(kBase + "federation:\n  dns_servers: [\"127.0.0.1:0\"]\n", "c"),
                "federation.dns_servers", "127.0.0.1:0"));
  EXPECT_TRUE(
      has_error(load_config_text(kBase + "federation:\n  verify_certificates: maybe\n", "c"),
                "federation.verify_certificates", ""));
  EXPECT_TRUE(has_error(load_config_text(kBase + "federation:\n  dns_server: [\"::1\"]\n", "c"),
                        "federation.dns_server", ""));
}

TEST(FederationSettings, DnsServerAddresses) {
  for (const char* good : {"127.0.0.1", "127.0.0.1:53", "::1", "[::1]:5353", "[fe80::1]:1"}) {
    EXPECT_TRUE(is_dns_server_address(good)) << good;
  }
  for (const char* bad : {"", "host", "host:53", "1.2.3.4:", "1.2.3.4:70000", "[::1]", "[::1]53",
                          "::1:53x", "1.2.3"}) {
    EXPECT_FALSE(is_dns_server_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace myelin::config
