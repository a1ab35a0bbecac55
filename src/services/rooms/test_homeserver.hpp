#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <string>
#include <vector>

#include "async/worker_pool.hpp"
#include "config/config.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "services/common/notifier.hpp"
#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"
#include "storage/sqlite/test_temp_dir.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

inline config::Config test_config() {
  config::Config config;
  config.server_name = "test.local";
  return config;
}

// The homeserver's core as the server assembles it — a migrated SQLite file in a temp dir,
// worker pools, the notifier, a signing key, the service context and RoomService — with an
// io_context that run() drives until a coroutine finishes. The clock starts at a fixed time and
// moves one millisecond per reading, so timestamps are distinct and predictable.
class TestHomeserver {
 public:
  TestHomeserver()
      : config_(test_config()),
        store_(storage::Store::open_sqlite(dir_.file("homeserver.db"))),
        db_pool_(std::make_unique<async::WorkerPool>(2)),
        cpu_pool_(std::make_unique<async::WorkerPool>(1)),
        ctx_{config_,
             *store_,
             *db_pool_,
             *cpu_pool_,
             crypto::SigningKey::generate(),
             notifier_,
             [this] { return clock_++; }},
        rooms_(std::make_unique<RoomService>(ctx_)) {}

  // The pools first: a database thread may still be finishing a batch for a RoomService (its
  // waiter already completed) when the coroutine that awaited it has returned.
  ~TestHomeserver() {
    db_pool_.reset();
    cpu_pool_.reset();
  }
  TestHomeserver(const TestHomeserver&) = delete;
  TestHomeserver& operator=(const TestHomeserver&) = delete;

  // Runs the coroutine on the io_context until it completes; returns its result or rethrows.
  template <typename T>
  T run(boost::asio::awaitable<T> work) {
    auto done = boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }

  // A RoomService with an empty cache over the same store, as after a restart.
  // The old one is kept until the end (see the destructor).
  void restart_rooms() {
    retired_.push_back(std::move(rooms_));
    rooms_ = std::make_unique<RoomService>(ctx_);
  }

  ServiceContext& ctx() { return ctx_; }
  storage::Store& store() { return *store_; }
  Notifier& notifier() { return notifier_; }
  RoomService& rooms() { return *rooms_; }
  boost::asio::io_context& io() { return io_; }
  std::int64_t now() const { return clock_; }

 private:
  sqlite::TempDir dir_;
  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  Notifier notifier_;
  std::unique_ptr<async::WorkerPool> db_pool_;
  std::unique_ptr<async::WorkerPool> cpu_pool_;
  std::atomic<std::int64_t> clock_{1'700'000'000'000};
  ServiceContext ctx_;
  std::unique_ptr<RoomService> rooms_;
  std::vector<std::unique_ptr<RoomService>> retired_;
  boost::asio::io_context io_;
};

}  // namespace myelin::services
