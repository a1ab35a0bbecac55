#include "async/keyed_mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace myelin::async {
namespace {

// A one-shot signal on a single-threaded io_context: wait() suspends until open() is called.
class Gate {
 public:
  explicit Gate(asio::io_context& io) : timer_(io, asio::steady_timer::time_point::max()) {}
  asio::awaitable<void> wait() {
    boost::system::error_code ignored;  // cancelled is how the gate opens
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  void open() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

// Takes `key`, logs entry, waits at `gate` (if any), logs exit, releases.
// (Pointers, not references: coroutine parameters are taken by value.)
asio::awaitable<void> hold(KeyedMutex* locks, std::string key, std::string name, Gate* gate,
                           std::vector<std::string>* log) {
  KeyedMutex::Guard guard = co_await locks->lock(key);
  EXPECT_TRUE(guard.owns_lock());
  log->push_back(name + " in");
  if (gate != nullptr) co_await gate->wait();
  log->push_back(name + " out");
}

using Log = std::vector<std::string>;

TEST(KeyedMutex, SameKeyIsSerialisedInArrivalOrder) {
  asio::io_context io;
  KeyedMutex locks;
  Gate gate_a(io);
  Log log;
  asio::co_spawn(io, hold(&locks, "!room:a", "A", &gate_a, &log), asio::detached);
  asio::co_spawn(io, hold(&locks, "!room:a", "B", nullptr, &log), asio::detached);
  asio::co_spawn(io, hold(&locks, "!room:a", "C", nullptr, &log), asio::detached);
  io.poll();  // everything that can run without A leaving has run; the thread is not blocked
  EXPECT_EQ(log, (Log{"A in"}));
  EXPECT_TRUE(locks.is_locked("!room:a"));
  EXPECT_EQ(locks.waiting("!room:a"), 2u);

  gate_a.open();
  io.run();
  EXPECT_EQ(log, (Log{"A in", "A out", "B in", "B out", "C in", "C out"}));
  EXPECT_FALSE(locks.is_locked("!room:a"));
}

TEST(KeyedMutex, DifferentKeysDoNotWait) {
  asio::io_context io;
  KeyedMutex locks;
  Gate gate_a(io), gate_b(io);
  Log log;
  asio::co_spawn(io, hold(&locks, "!room:a", "A", &gate_a, &log), asio::detached);
  asio::co_spawn(io, hold(&locks, "!room:b", "B", &gate_b, &log), asio::detached);
  io.poll();
  EXPECT_EQ(log, (Log{"A in", "B in"}));  // both inside at once
  gate_b.open();
  io.poll();
  EXPECT_EQ(log, (Log{"A in", "B in", "B out"}));
  gate_a.open();
  io.run();
  EXPECT_FALSE(locks.is_locked("!room:a"));
  EXPECT_FALSE(locks.is_locked("!room:b"));
}

TEST(KeyedMutex, GuardsMoveAndUnlockEarly) {
  asio::io_context io;
  KeyedMutex locks;
  Log log;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        KeyedMutex::Guard first = co_await locks.lock("k");
        KeyedMutex::Guard moved = std::move(first);
        EXPECT_FALSE(first.owns_lock());
        EXPECT_TRUE(moved.owns_lock());
        EXPECT_EQ(moved.key(), "k");
        moved.unlock();
        EXPECT_FALSE(locks.is_locked("k"));
        // Taken again without waiting, then released by the destructor.
        KeyedMutex::Guard again = co_await locks.lock("k");
        EXPECT_TRUE(locks.is_locked("k"));
        log.push_back("done");
      },
      asio::detached);
  io.run();
  EXPECT_EQ(log, (Log{"done"}));
  EXPECT_FALSE(locks.is_locked("k"));
}

// Real threads: four run the io_context, many coroutines contend for three keys and yield while
// holding one. No two are ever inside the same key at once, and every one gets its turn.
TEST(KeyedMutex, ExcludesAcrossThreads) {
  constexpr int kCoroutines = 300;
  constexpr int kYields = 3;
  const std::vector<std::string> keys = {"!a:x", "!b:x", "!c:x"};
  asio::io_context io;
  KeyedMutex locks;
  std::map<std::string, std::atomic<int>> inside;
  std::map<std::string, int> entries;  // written only while holding the key
  for (const auto& key : keys) {
    inside[key] = 0;
    entries[key] = 0;
  }
  std::atomic<int> overlaps = 0;
  std::atomic<int> finished = 0;

  for (int i = 0; i < kCoroutines; ++i) {
    const std::string key = keys[static_cast<std::size_t>(i) % keys.size()];
    asio::co_spawn(
        io,
        [&, key]() -> asio::awaitable<void> {
          KeyedMutex::Guard guard = co_await locks.lock(key);
          if (inside[key].fetch_add(1) != 0) ++overlaps;
          ++entries[key];
          for (int y = 0; y < kYields; ++y) co_await asio::post(io, asio::use_awaitable);
          inside[key].fetch_sub(1);
          ++finished;
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(finished.load(), kCoroutines);
  for (const auto& key : keys) {
    EXPECT_EQ(entries[key], kCoroutines / 3) << key;
    EXPECT_FALSE(locks.is_locked(key)) << key;
  }
}

}  // namespace
}  // namespace myelin::async
