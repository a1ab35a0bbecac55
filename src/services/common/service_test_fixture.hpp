#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "async/worker_pool.hpp"
#include "base/errcode.hpp"
#include "base/matrix_error.hpp"
#include "config/config.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "services/common/notifier.hpp"
#include "services/common/service_context.hpp"
#include "storage/sqlite/test_temp_dir.hpp"
#include "storage/store/store.hpp"

// For the services' unit tests (header-only; included by *_test.cpp files only).
namespace myelin::services::testing {

inline constexpr std::int64_t kTestStartMs = 1'700'000'000'000;

// What a service needs in a unit test, assembled as the server does: a migrated SQLite file in
// a temp dir, worker pools, the notifier, a signing key and a ServiceContext whose clock reads
// now_ms_ (tests move it) — and an io_context that run() drives until a coroutine finishes.
// Fixtures derive from it and build their service from ctx_.
class ServiceTestFixture : public ::testing::Test {
 protected:
  using ConfigMaker = std::function<config::Config(const sqlite::TempDir&)>;

  static config::Config default_config(const sqlite::TempDir&) {
    config::Config config;
    config.server_name = "test.local";
    return config;
  }

  explicit ServiceTestFixture(const ConfigMaker& make_config = default_config,
                              std::size_t db_threads = 2)
      : config_(make_config(dir_)),
        store_(storage::Store::open_sqlite(dir_.file("homeserver.db"))),
        db_pool_(std::make_unique<async::WorkerPool>(db_threads)),
        cpu_pool_(std::make_unique<async::WorkerPool>(1)),
        ctx_{config_,
             *store_,
             *db_pool_,
             *cpu_pool_,
             crypto::SigningKey::generate(),
             notifier_,
             [this] { return now_ms_.load(); }} {}

  // The pools first: a database thread may still be finishing work for a service whose
  // awaiting coroutine has already returned.
  ~ServiceTestFixture() override {
    db_pool_.reset();
    cpu_pool_.reset();
  }

  // Runs the coroutine on the io_context until it completes; returns its result or rethrows.
  template <typename T>
  T run(boost::asio::awaitable<T> work) {
    auto done = boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }

  // The errcode a failing call throws ("M_FORBIDDEN"); "" when it succeeds.
  template <typename T>
  std::string error_of(boost::asio::awaitable<T> work) {
    try {
      run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }

  // As error_of, followed by a space and the message.
  template <typename T>
  std::string error_message_of(boost::asio::awaitable<T> work) {
    try {
      run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code())) + " " + e.what();
    }
    return "";
  }

  std::atomic<std::int64_t> now_ms_ = kTestStartMs;
  sqlite::TempDir dir_;
  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  Notifier notifier_;
  std::unique_ptr<async::WorkerPool> db_pool_;
  std::unique_ptr<async::WorkerPool> cpu_pool_;
  ServiceContext ctx_;
  boost::asio::io_context io_;
};

}  // namespace myelin::services::testing
