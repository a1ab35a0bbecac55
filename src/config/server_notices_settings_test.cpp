#include "config/server_notices_settings.hpp"

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = testing::kMinimalConfig;

using testing::has_error;

TEST(ServerNoticesSettings, OffByDefault) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_FALSE(result.config->server_notices.enabled());
  EXPECT_EQ(result.config->server_notices.room_name, "Server Notices");
}

TEST(ServerNoticesSettings, ReadsEveryKey) {
  LoadResult result = load_config_text(
      kBase +
          "server_notices:\n  system_mxid_localpart: notices\n"
          "  system_mxid_display_name: Notices\n  system_mxid_avatar_url: mxc://e/a\n"
          "  room_name: Alerts\n  room_avatar_url: mxc://e/b\n  room_topic: Read me\n"
          "  auto_join: true\n",
      "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  const ServerNoticesConfig& notices = result.config->server_notices;
  EXPECT_TRUE(notices.enabled());
  EXPECT_EQ(notices.system_mxid_localpart, "notices");
  EXPECT_EQ(notices.system_mxid_display_name, "Notices");
  EXPECT_EQ(notices.system_mxid_avatar_url, "mxc://e/a");
  EXPECT_EQ(notices.room_name, "Alerts");
  EXPECT_EQ(notices.room_avatar_url, "mxc://e/b");
  EXPECT_EQ(notices.room_topic, "Read me");
  EXPECT_TRUE(notices.auto_join);
}

TEST(ServerNoticesSettings, RefusesBadValues) {
  EXPECT_TRUE(has_error(load_config_text(kBase + "server_notices:\n  room_name: x\n", "c"),
                        "server_notices.system_mxid_localpart", "required"));
  EXPECT_TRUE(has_error(
      load_config_text(kBase + "server_notices:\n  system_mxid_localpart: \"Not Valid\"\n", "c"),
      "server_notices.system_mxid_localpart", "valid user localpart"));
  EXPECT_TRUE(has_error(load_config_text(kBase + "server_notices:\n  system_mxid_localpart: n\n"
                                                 "  room_avatar_url: http://x/y\n",
                                         "c"),
                        "server_notices.room_avatar_url", "mxc://"));
  EXPECT_TRUE(has_error(load_config_text(kBase + "server_notices:\n  system_mxid_localpart: n\n"
                                                 "  colour: blue\n",
                                         "c"),
                        "server_notices.colour", ""));
  EXPECT_FALSE(load_config_text(kBase + "server_notices:\n  system_mxid_localpart: n\n"
                                        "  auto_join: perhaps\n",
                                "c")
                   .config.has_value());
}

}  // namespace
}  // namespace myelin::config
