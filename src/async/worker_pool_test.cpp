#include "async/worker_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace myelin::async {
namespace {

// A generous bound so that a broken pool fails the test instead of hanging; never a
// synchronisation.
constexpr auto kStuck = std::chrono::seconds(30);

// Runs `body` as a coroutine on a single-threaded io_context on this thread, to completion,
// rethrowing what it threw.
template <typename Body>
void run_coroutine(asio::io_context& io, Body body) {
  std::exception_ptr error;
  bool finished = false;
  asio::co_spawn(io, std::move(body), [&](std::exception_ptr e) {
    error = e;
    finished = true;
  });
  io.run();
  // run() returns only when no work is left; the coroutine must have finished by then, which
  // it only can if awaiting the pool kept the io_context alive.
  ASSERT_TRUE(finished);
  if (error) std::rethrow_exception(error);
}

TEST(WorkerPool, RunsOffTheCallingThreadAndResumesOnTheCallersExecutor) {
  WorkerPool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  asio::io_context io;
  const auto io_thread = std::this_thread::get_id();
  run_coroutine(io, [&]() -> asio::awaitable<void> {
    const auto worker = co_await pool.run([] { return std::this_thread::get_id(); });
    EXPECT_NE(worker, io_thread);
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
    EXPECT_TRUE(io.get_executor().running_in_this_thread());

    // Move-only results and void work.
    std::unique_ptr<int> boxed = co_await pool.run([] { return std::make_unique<int>(42); });
    EXPECT_EQ(*boxed, 42);
    int side_effect = 0;
    co_await pool.run([&side_effect] { side_effect = 7; });
    EXPECT_EQ(side_effect, 7);
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
  });
}

TEST(WorkerPool, PropagatesExceptions) {
  WorkerPool pool(1);
  asio::io_context io;
  run_coroutine(io, [&]() -> asio::awaitable<void> {
    try {
      co_await pool.run([]() -> int { throw std::runtime_error("disk full"); });
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "disk full");
    }
    EXPECT_THROW(co_await pool.run([] { throw std::logic_error("void work failed"); }),
                 std::logic_error);
    // The pool still works afterwards.
    EXPECT_EQ(co_await pool.run([] { return 5; }), 5);
  });
}

// The callable and its arguments are moved to the worker and destroyed exactly once: a shared
// token comes back to one owner.
TEST(WorkerPool, CallablesAndArgumentsAreReleasedOnce) {
  WorkerPool pool(2);
  asio::io_context io;
  auto token = std::make_shared<int>(40);
  run_coroutine(io, [&]() -> asio::awaitable<void> {
    auto add_two = [token] { return *token + 2; };
    EXPECT_EQ(co_await pool.run(std::move(add_two)), 42);
    EXPECT_EQ(token.use_count(), 1);

    // A function and its arguments, bound on the worker.
    const auto sum = [](std::shared_ptr<int> value, std::string suffix) {
      return std::to_string(*value) + suffix;
    };
    EXPECT_EQ(co_await pool.run(sum, token, std::string(" and more")), "40 and more");
    EXPECT_EQ(token.use_count(), 1);
  });
  EXPECT_EQ(token.use_count(), 1);
}

// While a job blocks a worker, the I/O thread stays free: another coroutine on the same
// single-threaded io_context runs and is what unblocks the job.
TEST(WorkerPool, TheIoThreadIsNotBlockedWhileWorkRuns) {
  WorkerPool pool(1);
  asio::io_context io;
  std::promise<void> release;
  auto released = release.get_future().share();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        release.set_value();
        co_return;
      },
      asio::detached);
  run_coroutine(io, [&]() -> asio::awaitable<void> {
    // Named, not a temporary inside co_await: see the g++ 12 note in worker_pool.hpp.
    auto wait_for_release = [released] {
      return released.wait_for(kStuck) == std::future_status::ready;
    };
    const bool unblocked = co_await pool.run(std::move(wait_for_release));
    EXPECT_TRUE(unblocked);
  });
}

// Eight jobs on a pool of two: each waits for its partner, so pairs run together (two at once is
// reached), and no more than two ever run at once or on more than two threads.
TEST(WorkerPool, BoundsConcurrency) {
  constexpr int kJobs = 8;
  WorkerPool pool(2);
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int max_in_flight = 0;
  bool stuck = false;
  std::set<std::thread::id> threads;

  int arrived = 0;

  auto job = [&] {
    std::unique_lock lock(mutex);
    threads.insert(std::this_thread::get_id());
    max_in_flight = std::max(max_in_flight, ++in_flight);
    // Jobs pair up in arrival order: each waits for its partner (arrivals only grow, so a
    // partner that has already left still counts).
    const int partner_arrival = (++arrived + 1) / 2 * 2;
    changed.notify_all();
    if (!changed.wait_for(lock, kStuck, [&] { return arrived >= partner_arrival; })) {
      stuck = true;
    }
    --in_flight;
  };

  asio::io_context io;
  int done = 0;
  for (int i = 0; i < kJobs; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await pool.run(job);
          ++done;
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(done, kJobs);
  EXPECT_FALSE(stuck);
  EXPECT_EQ(max_in_flight, 2);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

}  // namespace
}  // namespace myelin::async
