#include "services/common/notifier.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace myelin::services {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// An io_context run by two threads, as the server runs its I/O, so waiters resume on a thread
// other than the notifying one.
class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~NotifierTest() override {
    work_.reset();
    for (std::thread& t : threads_) t.join();
  }

  std::future<bool> start_wait(const std::string& user, std::uint64_t seen,
                               std::chrono::milliseconds timeout) {
    return asio::co_spawn(io_, notifier_.wait(user, seen, timeout), asio::use_future);
  }
  // Until the notifier holds `count` waiters (they register once the coroutine has started).
  bool await_waiting(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (notifier_.waiting() != count) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  Notifier notifier_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

TEST_F(NotifierTest, WaitIsWokenByANotification) {
  const std::uint64_t seen = notifier_.version("@alice:test.local");
  std::future<bool> woken = start_wait("@alice:test.local", seen, 30s);
  ASSERT_TRUE(await_waiting(1));
  EXPECT_EQ(woken.wait_for(50ms), std::future_status::timeout);

  notifier_.notify("@alice:test.local");
  ASSERT_EQ(woken.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(woken.get());
  EXPECT_EQ(notifier_.waiting(), 0u);
  EXPECT_EQ(notifier_.version("@alice:test.local"), seen + 1);
}

TEST_F(NotifierTest, NotificationsForOthersDoNotWake) {
  std::future<bool> alice = start_wait("@alice:test.local", 0, 30s);
  std::future<bool> bob = start_wait("@bob:test.local", 0, 30s);
  ASSERT_TRUE(await_waiting(2));
  notifier_.notify(std::vector<std::string>{"@bob:test.local", "@carol:test.local"});
  ASSERT_EQ(bob.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(bob.get());
  EXPECT_EQ(alice.wait_for(100ms), std::future_status::timeout);
  EXPECT_EQ(notifier_.waiting(), 1u);
  notifier_.notify("@alice:test.local");
  ASSERT_EQ(alice.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(alice.get());
}

TEST_F(NotifierTest, TimeoutReturnsFalseAndForgetsTheWaiter) {
  const auto started = std::chrono::steady_clock::now();
  std::future<bool> waited = start_wait("@alice:test.local", 0, 100ms);
  ASSERT_EQ(waited.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(waited.get());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_EQ(notifier_.waiting(), 0u);
  // A later notification finds nobody and only bumps the version.
  notifier_.notify("@alice:test.local");
  EXPECT_EQ(notifier_.version("@alice:test.local"), 1u);
}

TEST_F(NotifierTest, NotificationBetweenVersionAndWaitIsNotLost) {
  const std::uint64_t seen = notifier_.version("@alice:test.local");
  notifier_.notify("@alice:test.local");  // news arrives while the syncer looks
  const auto started = std::chrono::steady_clock::now();
  std::future<bool> waited = start_wait("@alice:test.local", seen, 30s);
  ASSERT_EQ(waited.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(waited.get());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(notifier_.waiting(), 0u);
}

TEST_F(NotifierTest, ManyWaitersOfOneUserAllWake) {
  std::vector<std::future<bool>> waits;
  for (int i = 0; i < 8; ++i) waits.push_back(start_wait("@alice:test.local", 0, 30s));
  ASSERT_TRUE(await_waiting(8));
  notifier_.notify("@alice:test.local");
  for (auto& w : waits) {
    ASSERT_EQ(w.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(w.get());
  }
}

TEST_F(NotifierTest, ShutdownWakesEveryWaiterAndLaterWaitsReturnAtOnce) {
  std::future<bool> alice = start_wait("@alice:test.local", 0, 30s);
  std::future<bool> bob = start_wait("@bob:test.local", 0, 30s);
  ASSERT_TRUE(await_waiting(2));
  notifier_.shutdown();
  ASSERT_EQ(alice.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(bob.wait_for(5s), std::future_status::ready);
  // Woken, but not by a notification.
  EXPECT_FALSE(alice.get());
  EXPECT_FALSE(bob.get());
  EXPECT_EQ(notifier_.waiting(), 0u);

  std::future<bool> late = start_wait("@carol:test.local", 0, 30s);
  ASSERT_EQ(late.wait_for(5s), std::future_status::ready);
  late.get();
  EXPECT_EQ(notifier_.waiting(), 0u);
}

}  // namespace
}  // namespace myelin::services
