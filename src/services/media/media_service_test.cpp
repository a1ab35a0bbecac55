#include "services/media/media_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <memory>

#include "base/errcode.hpp"
#include "base/matrix_error.hpp"
#include "storage/sqlite/test_temp_dir.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;

constexpr std::int64_t kStart = 1'700'000'000'000;

config::Config test_config(const sqlite::TempDir& dir) {
  config::Config config;
  config.server_name = "example.org";
  config.media.store_path = dir.file("media");
  config.media.max_upload_size = 100;
  return config;
}

// The service over a migrated SQLite file and a media directory, with a clock the test moves.
class MediaServiceTest : public ::testing::Test {
 protected:
  MediaServiceTest()
      : config_(test_config(dir_)),
        store_(storage::Store::open_sqlite(dir_.file("homeserver.db"))),
        db_pool_(std::make_unique<async::WorkerPool>(2)),
        cpu_pool_(std::make_unique<async::WorkerPool>(1)),
        ctx_{config_,
             *store_,
             *db_pool_,
             *cpu_pool_,
             crypto::SigningKey::generate(),
             notifier_,
             [this] { return now_; }},
        media_(ctx_) {}
  ~MediaServiceTest() override {
    db_pool_.reset();
    cpu_pool_.reset();
  }

  template <typename T>
  T run(asio::awaitable<T> work) {
    auto done = asio::co_spawn(io_, std::move(work), asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }
  // The errcode a failing call throws; "" when it succeeds.
  template <typename T>
  std::string error_of(asio::awaitable<T> work) {
    try {
      run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }
  std::string upload(const std::string& bytes, const std::string& user = "@u:example.org") {
    return run(media_.upload(user, "application/octet-stream", "f.bin", bytes));
  }

  std::int64_t now_ = kStart;
  sqlite::TempDir dir_;
  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  Notifier notifier_;
  std::unique_ptr<async::WorkerPool> db_pool_;
  std::unique_ptr<async::WorkerPool> cpu_pool_;
  ServiceContext ctx_;
  MediaService media_;
  asio::io_context io_;
};

TEST_F(MediaServiceTest, UploadAndDownloadRoundTrip) {
  const std::string bytes("\x89PNG\0\xff", 6);
  std::string id = run(media_.upload("@u:example.org", "image/png", "a b.png", bytes));
  EXPECT_EQ(id.size(), MediaService::kMediaIdLength);
  now_ += 1000;
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
    now_ += 1000;
    run(media_.create("@u:example.org"));
  }
  try {
    run(media_.create("@u:example.org"));
    FAIL() << "a sixth pending upload was allowed";
  } catch (const MatrixError& e) {
    EXPECT_EQ(e.code(), ErrCode::kLimitExceeded);
    // The first ID frees its slot when it expires.
    const std::int64_t expected = kStart + MediaService::kUnusedExpiryMs - now_;
    EXPECT_EQ(e.extra().at("retry_after_ms").as_int64(), expected);
  }
  run(media_.create("@other:example.org"));  // the limit is per user
  now_ = kStart + MediaService::kUnusedExpiryMs + 1;
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
  now_ += 10'000;
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
