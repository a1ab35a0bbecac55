#include "app/key_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/crypto/signing_key_file.hpp"

namespace myelin::app {
namespace {

TEST(KeyGenerateCommand, PrintsASynapseKeyFileLine) {
  std::ostringstream out, err;
  ASSERT_EQ(key_generate({.version = "auto1"}, out, err), 0) << err.str();
  EXPECT_EQ(out.str().rfind("ed25519 auto1 ", 0), 0u) << out.str();
  auto keys = crypto::parse_signing_key_file(out.str());
  ASSERT_TRUE(keys) << keys.error();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].key_id(), "ed25519:auto1");
}

TEST(KeyGenerateCommand, WritesAFileOnceAndReportsTheKey) {
  auto path =
      std::filesystem::temp_directory_path() / ("myelin-key-" + std::to_string(getpid()) + ".key");
  std::filesystem::remove(path);
  std::ostringstream out, err;
  ASSERT_EQ(key_generate({.output = path.string()}, out, err), 0) << err.str();
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto keys = crypto::parse_signing_key_file(text);
  ASSERT_TRUE(keys) << keys.error();
  EXPECT_EQ(out.str(), (*keys)[0].key_id() + " " + (*keys)[0].public_key_base64() + "\n");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  std::ostringstream again;
  EXPECT_EQ(key_generate({.output = path.string()}, again, err), 1);
  EXPECT_NE(err.str().find("already exists"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(KeyGenerateCommand, RefusesAnInvalidVersion) {
  std::ostringstream out, err;
  EXPECT_EQ(key_generate({.version = "a:b"}, out, err), 2);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace myelin::app
