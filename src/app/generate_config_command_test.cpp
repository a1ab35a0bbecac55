#include "app/generate_config_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "config/config_loader.hpp"

namespace myelin::app {
namespace {

TEST(GenerateConfigCommand, WritesAConfigThatLoads) {
  std::ostringstream out, err;
  GenerateConfigOptions options{
      .server_name = "example.org", .listen = "[::1]:8118", .data_dir = "/srv/myelin"};
  ASSERT_EQ(generate_config(options, out, err), 0) << err.str();
  config::LoadResult loaded = config::load_config_text(out.str(), "generated");
  ASSERT_TRUE(loaded.config) << config::format_errors("generated", loaded.errors);
  EXPECT_EQ(loaded.config->server_name, "example.org");
  EXPECT_EQ(loaded.config->listeners.at(0).port, 8118);
  EXPECT_EQ(loaded.config->listeners.at(0).bind_addresses.at(0), "::1");
  EXPECT_EQ(loaded.config->data_dir, "/srv/myelin");
  EXPECT_EQ(loaded.config->registration_shared_secret.size(), 43u);
}

TEST(GenerateConfigCommand, EachConfigGetsItsOwnSecret) {
  std::ostringstream a, b, err;
  GenerateConfigOptions options{.server_name = "example.org"};
  ASSERT_EQ(generate_config(options, a, err), 0);
  ASSERT_EQ(generate_config(options, b, err), 0);
  EXPECT_NE(a.str(), b.str());
}

TEST(GenerateConfigCommand, RefusesBadInput) {
  std::ostringstream out, err;
  EXPECT_EQ(generate_config({.server_name = "bad name!"}, out, err), 2);
  EXPECT_NE(err.str().find("server_name"), std::string::npos);
  EXPECT_EQ(generate_config({.server_name = "example.org", .listen = "8008"}, out, err), 2);
  EXPECT_EQ(generate_config({.server_name = "example.org", .listen = "h:99999"}, out, err), 2);
}

TEST(GenerateConfigCommand, NeverOverwrites) {
  auto path =
      std::filesystem::temp_directory_path() / ("myelin-gen-" + std::to_string(getpid()) + ".yaml");
  std::filesystem::remove(path);
  std::ostringstream out, err;
  GenerateConfigOptions options{.server_name = "example.org", .output = path.string()};
  ASSERT_EQ(generate_config(options, out, err), 0) << err.str();
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
  EXPECT_EQ(generate_config(options, out, err), 1);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace myelin::app
