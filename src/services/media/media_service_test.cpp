#include "services/media/media_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "services/common/service_test_fixture.hpp"
#include "storage/sqlite/test_temp_dir.hpp"

namespace myelin::services {
namespace {

constexpr std::int64_t kStart = testing::kTestStartMs;

config::Config media_config(const sqlite::TempDir& dir) {
  config::Config config;
  config.server_name = "example.org";
  config.media.store_path = dir.file("media");
  config.media.max_upload_size = 100;
  return config;
}

// The service over a migrated SQLite file and a media directory, with a clock the test moves.
class MediaServiceTest : public testing::ServiceTestFixture {
 protected:
  MediaServiceTest() : ServiceTestFixture(media_config), media_(ctx_) {}

  std::string upload(const std::string& bytes, const std::string& user = "@u:example.org") {
    return run(media_.upload(user, "application/octet-stream", "f.bin", bytes));
  }

  MediaService media_;
};

TEST_F(MediaServiceTest, UploadAndDownloadRoundTrip) {
  const std::string bytes("\x89PNG\0\xff", 6);
  std::string id = run(media_.upload("@u:example.org", "image/png", "a b.png", bytes));
  EXPECT_EQ(id.size(), MediaService::kMediaIdLength);
  now_ms_ += 1000;
  MediaDownload got = run(media_.download("example.org", id));
  EXPECT_EQ(got.bytes, bytes);
  EXPECT_EQ(got.info.media_type, "image/png");
  EXPECT_EQ(got.info.upload_name, "a b.png");
  EXPECT_EQ(got.info.media_length, 6);
  EXPECT_EQ(got.info.created_ts, kStart);
  // The access is recorded, and the hash of the content kept (as Synapse's sha256 column).
  auto info = run(media_.info(id));
  EXPECT_EQ(info->last_access_ts, kStart + 1000);
  EXPECT_EQ(info->sha256->size(), 64u);
}

TEST_F(MediaServiceTest, RefusesTooLargeUnknownAndRemoteMedia) {
  EXPECT_EQ(error_of(media_.upload("@u:example.org", "a/b", std::nullopt, std::string(101, 'x'))),
            "M_TOO_LARGE");
  EXPECT_EQ(upload(std::string(100, 'x')).size(), MediaService::kMediaIdLength);
  EXPECT_EQ(error_of(media_.download("example.org", "nosuchmediaid")), "M_NOT_FOUND");
  std::string id = upload("x");
  EXPECT_EQ(error_of(media_.download("elsewhere.org", id)), "M_NOT_FOUND");
  EXPECT_EQ(error_of(media_.download("example.org", "../../etc/passwd")), "M_NOT_FOUND");
}

TEST_F(MediaServiceTest, CreatedIdsAreUploadedOnceByTheirCreator) {
  CreatedMedia created = run(media_.create("@u:example.org"));
  EXPECT_EQ(created.unused_expires_at, kStart + MediaService::kUnusedExpiryMs);
  EXPECT_EQ(error_of(media_.download("example.org", created.media_id)), "M_NOT_YET_UPLOADED");
  EXPECT_EQ(error_of(media_.upload_to("@v:example.org", created.media_id, "text/plain",
                                      std::nullopt, "hi")),
            "M_FORBIDDEN");
  EXPECT_EQ(error_of(media_.upload_to("@u:example.org", "unknownmedia", "text/plain", std::nullopt,
                                      "hi")),
            "M_NOT_FOUND");
  EXPECT_EQ(error_of(media_.upload_to("@u:example.org", created.media_id, "text/plain",
                                      std::nullopt, std::string(101, 'x'))),
            "M_TOO_LARGE");
  run(media_.upload_to("@u:example.org", created.media_id, "text/plain", "n.txt", "hi"));
  EXPECT_EQ(run(media_.download("example.org", created.media_id)).bytes, "hi");
  EXPECT_EQ(error_of(media_.upload_to("@u:example.org", created.media_id, "text/plain",
                                      std::nullopt, "again")),
            "M_CANNOT_OVERWRITE_MEDIA");
  EXPECT_EQ(run(media_.download("example.org", created.media_id)).bytes, "hi");
}

TEST_F(MediaServiceTest, CreatedIdsExpireAndArePendingAtMostFive) {
  CreatedMedia first = run(media_.create("@u:example.org"));
  for (std::size_t i = 1; i < MediaService::kMaxPendingUploads; ++i) {
    now_ms_ += 1000;
    run(media_.create("@u:example.org"));
  }
  try {
    run(media_.create("@u:example.org"));
    FAIL() << "a sixth pending upload was allowed";
  } catch (const MatrixError& e) {
    EXPECT_EQ(e.code(), ErrCode::kLimitExceeded);
    // The first ID frees its slot when it expires.
    const std::int64_t expected = kStart + MediaService::kUnusedExpiryMs - now_ms_;
    EXPECT_EQ(e.extra().at("retry_after_ms").as_int64(), expected);
  }
  run(media_.create("@other:example.org"));  // the limit is per user
  now_ms_ = kStart + MediaService::kUnusedExpiryMs + 1;
  EXPECT_EQ(error_of(media_.upload_to("@u:example.org", first.media_id, "text/plain", std::nullopt,
                                      "late")),
            "M_NOT_FOUND");
  run(media_.create("@u:example.org"));
}

TEST_F(MediaServiceTest, QuarantinedMediaIsNotServedUnlessProtected) {
  std::string a = upload("same bytes");
  std::string copy = upload("same bytes", "@v:example.org");
  std::string kept = upload("kept");
  EXPECT_TRUE(run(media_.set_protected(kept, true)));
  EXPECT_FALSE(run(media_.set_protected("nosuchmedia", true)));
  EXPECT_EQ(run(media_.quarantine("example.org", a, "@admin:example.org")), 2);
  EXPECT_EQ(error_of(media_.download("example.org", a)), "M_NOT_FOUND");
  EXPECT_EQ(error_of(media_.download("example.org", copy)), "M_NOT_FOUND");
  EXPECT_EQ(run(media_.quarantine_user("@u:example.org", "@admin:example.org")), 0);
  EXPECT_EQ(run(media_.download("example.org", kept)).bytes, "kept");
  EXPECT_EQ(run(media_.unquarantine("example.org", a)), 2);
  EXPECT_EQ(run(media_.download("example.org", copy)).bytes, "same bytes");
}

TEST_F(MediaServiceTest, RemovesRowsAndFiles) {
  std::string old_big = upload(std::string(50, 'b'));
  std::string old_small = upload("s");
  now_ms_ += 10'000;
  std::string recent = upload(std::string(50, 'r'));
  std::string path = MediaFiles(config_.media.store_path).path_of(old_big);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(run(media_.remove_old(kStart + 1, 10, true)), std::vector<std::string>{old_big});
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(error_of(media_.download("example.org", old_big)), "M_NOT_FOUND");
  EXPECT_EQ(run(media_.remove({old_small, "nosuchmedia", old_small})),
            std::vector<std::string>{old_small});
  EXPECT_EQ(run(media_.download("example.org", recent)).bytes, std::string(50, 'r'));
  MediaPage page =
      run(media_.list_user_media("@u:example.org", 0, 10, storage::MediaOrder::kCreatedTs, true));
  EXPECT_EQ(page.total, 1);
  ASSERT_EQ(page.media.size(), 1u);
  EXPECT_EQ(page.media[0].media_id, recent);
}

}  // namespace
}  // namespace myelin::services
