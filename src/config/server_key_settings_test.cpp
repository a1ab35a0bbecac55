#include "config/server_key_settings.hpp"

#include <gtest/gtest.h>

#include "base/base64.hpp"
#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = testing::kMinimalConfig;
using testing::has_error;

// 32 bytes of base64 (any 32 bytes are an ed25519 public key as far as the config cares).
const std::string kKey = "Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw";

TEST(ServerKeySettings, NoNotariesAndOneDayByDefault) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_TRUE(result.config->server_keys.trusted_key_servers.empty());
  EXPECT_TRUE(result.config->server_keys.old_signing_keys.empty());
  EXPECT_EQ(result.config->server_keys.key_refresh_interval_ms, 86400000);
}

TEST(ServerKeySettings, ReadsSynapseShapes) {
  LoadResult result =
      load_config_text(kBase +
                           "trusted_key_servers:\n  - server_name: notary.test\n    verify_keys:\n"
                           "      \"ed25519:auto\": " +
                           kKey +
                           "\n  - server_name: other.test\n"
                           "    accept_keys_insecurely: true\n"
                           "old_signing_keys:\n  \"ed25519:old\": {key: \"" +
                           kKey + "\", expired_ts: 1600000000000}\nkey_refresh_interval: 12h\n",
                       "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  const ServerKeyConfig& keys = result.config->server_keys;
  ASSERT_EQ(keys.trusted_key_servers.size(), 2u);
  EXPECT_EQ(keys.trusted_key_servers[0].server_name, "notary.test");
  EXPECT_EQ(keys.trusted_key_servers[0].verify_keys.at("ed25519:auto"),
            base64::decode(kKey).value());
  EXPECT_TRUE(keys.trusted_key_servers[1].verify_keys.empty());
  EXPECT_TRUE(keys.trusted_key_servers[1].accept_keys_insecurely);
  ASSERT_EQ(keys.old_signing_keys.size(), 1u);
  EXPECT_EQ(keys.old_signing_keys[0].key_id, "ed25519:old");
  EXPECT_EQ(keys.old_signing_keys[0].public_key, base64::decode(kKey).value());
  EXPECT_EQ(keys.old_signing_keys[0].expired_ts, 1600000000000);
  EXPECT_EQ(keys.key_refresh_interval_ms, 12 * 3600 * 1000);
}

TEST(ServerKeySettings, RefusesBadValues) {
  EXPECT_TRUE(has_error(load_config_text(kBase + "trusted_key_servers: {a: b}\n", "c"),
                        "trusted_key_servers", ""));
  EXPECT_TRUE(
      has_error(load_config_text(kBase + "trusted_key_servers:\n  - verify_keys: {}\n", "c"),
                "trusted_key_servers[0].server_name", "required"));
  EXPECT_TRUE(has_error(load_config_text(kBase + "trusted_key_servers:\n  - server_name: n\n"
                                                 "    verify_keys: {\"ed25519:a\": short}\n",
                                         "c"),
                        "trusted_key_servers[0].verify_keys.ed25519:a", "32 bytes"));
  EXPECT_TRUE(has_error(load_config_text(kBase +
                                             "trusted_key_servers:\n  - server_name: n\n"
                                             "    verify_keys: {\"rsa:a\": " +
                                             kKey + "}\n",
                                         "c"),
                        "trusted_key_servers[0].verify_keys.rsa:a", "ed25519"));
  EXPECT_TRUE(
      has_error(load_config_text(
                    kBase + "old_signing_keys:\n  \"ed25519:o\": {key: \"" + kKey + "\"}\n", "c"),
                "old_signing_keys.ed25519:o", "expired_ts"));
  EXPECT_TRUE(has_error(load_config_text(kBase + "old_signing_keys:\n  \"ed25519:o\": {key: x, "
                                                 "expired_ts: 5}\n",
                                         "c"),
                        "old_signing_keys.ed25519:o.key", "32 bytes"));
  EXPECT_TRUE(has_error(load_config_text(kBase + "key_refresh_interval: soon\n", "c"),
                        "key_refresh_interval", "duration"));
  EXPECT_TRUE(has_error(load_config_text(kBase + "key_refresh_interval: 0\n", "c"),
                        "key_refresh_interval", "duration"));
}

TEST(ServerKeySettings, Durations) {
  EXPECT_EQ(parse_duration_ms("1500"), 1500);
  EXPECT_EQ(parse_duration_ms("2s"), 2000);
  EXPECT_EQ(parse_duration_ms("3m"), 180000);
  EXPECT_EQ(parse_duration_ms("1h"), 3600000);
  EXPECT_EQ(parse_duration_ms("1d"), 86400000);
  EXPECT_EQ(parse_duration_ms("1w"), 7 * 86400000LL);
  EXPECT_EQ(parse_duration_ms("1y"), 365 * 86400000LL);
  for (const char* bad : {"", "d", "-1d", "1x", "1.5h", "1 d"}) {
    EXPECT_FALSE(parse_duration_ms(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace myelin::config
