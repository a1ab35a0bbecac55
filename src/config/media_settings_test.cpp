#include "config/media_settings.hpp"

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/config_test_support.hpp"

namespace myelin::config {
namespace {

const std::string kBase = "server_name: example.org\ndata_dir: /srv/myelin\n";

using testing::has_error;

TEST(MediaSettings, DefaultsAreSynapses) {
  LoadResult result = load_config_text(kBase, "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_EQ(result.config->media.store_path, "/srv/myelin/media_store");
  EXPECT_EQ(result.config->media.max_upload_size, 50u * 1024 * 1024);
}

TEST(MediaSettings, ReadsBothKeys) {
  LoadResult result =
      load_config_text(kBase + "media_store_path: /var/media\nmax_upload_size: 10K\n", "c");
  ASSERT_TRUE(result.config) << format_errors("c", result.errors);
  EXPECT_EQ(result.config->media.store_path, "/var/media");
  EXPECT_EQ(result.config->media.max_upload_size, 10u * 1024);
}

TEST(MediaSettings, RefusesAnUploadLimitTheServerCannotReceive) {
  LoadResult result =
      load_config_text(kBase + "max_request_body_size: 1M\nmax_upload_size: 2M\n", "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "max_upload_size", "max_request_body_size"));
}

TEST(MediaSettings, RefusesBadValues) {
  LoadResult result =
      load_config_text(kBase + "max_upload_size: lots\nmedia_store_path: [a]\n", "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "max_upload_size", ""));
  EXPECT_TRUE(has_error(result, "media_store_path", ""));
  result = load_config_text(kBase + "max_upload_size: 0\n", "c");
  EXPECT_FALSE(result.config);
  EXPECT_TRUE(has_error(result, "max_upload_size", ""));
}

}  // namespace
}  // namespace myelin::config
