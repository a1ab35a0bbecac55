#include "http/server/server_test_support.hpp"

namespace myelin::http::testing {
namespace {

using LongPollTest = ServerTest;

// A request suspended in its handler (as a long-poll /sync is) holds no thread: with the
// io_context run by this test's single thread, 200 other requests on 200 connections are all
// served while it waits, and it is answered only when the test releases it.
TEST_F(LongPollTest, SuspendedHandlerDoesNotBlockOtherRequestsOnOneThread) {
  start();
  run([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    bool long_poll_done = false;
    int fast_done_before_release = 0;
    int fast_done = 0;

    asio::steady_timer poll_done(executor, std::chrono::steady_clock::time_point::max());
    Client poller(executor);
    EXPECT_FALSE(co_await poller.connect(port()));
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          Reply reply = co_await poller.request(bhttp::verb::get, "/_matrix/client/v3/wait");
          EXPECT_EQ(reply.status, 200);
          EXPECT_EQ(reply.json.at("waited"), true);
          long_poll_done = true;
          poll_done.cancel();
        },
        asio::detached);

    constexpr int kOthers = 200;
    asio::steady_timer all_done(executor, std::chrono::steady_clock::time_point::max());
    for (int i = 0; i < kOthers; ++i) {
      asio::co_spawn(
          executor,
          [&]() -> asio::awaitable<void> {
            Reply reply = co_await get("/_matrix/client/v3/fast");
            EXPECT_EQ(reply.status, 200);
            if (!long_poll_done) ++fast_done_before_release;
            if (++fast_done == kOthers) all_done.cancel();
          },
          asio::detached);
    }
    co_await all_done.async_wait(kTuple);

    EXPECT_EQ(fast_done_before_release, kOthers);
    EXPECT_EQ(services_.waiting, 1);  // still parked in its handler
    EXPECT_FALSE(long_poll_done);

    services_.release->cancel();
    co_await poll_done.async_wait(kTuple);
    EXPECT_TRUE(long_poll_done);
    EXPECT_EQ(services_.waiting, 0);
  });
}

}  // namespace
}  // namespace myelin::http::testing
