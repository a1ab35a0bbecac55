#include "http/server/server_test_support.hpp"

namespace myelin::http::testing {
namespace {

class GracefulStopTest : public ServerTest {
 protected:
  // Runs until the server has stopped and left nothing on the io_context.
  template <typename F>
  void run_until_stopped(F test) {
    asio::co_spawn(io_, test, [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
  }

  // Resolves once the /wait handler has been entered.
  asio::awaitable<void> until_waiting() {
    while (services_.waiting == 0) {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
  }
};

TEST_F(GracefulStopTest, InFlightRequestFinishesAndNewConnectionsAreRefused) {
  start();
  bool stopped = false;
  run_until_stopped([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    Client busy(executor);
    EXPECT_FALSE(co_await busy.connect(port()));
    Client idle(executor);
    EXPECT_FALSE(co_await idle.connect(port()));
    Reply warm = co_await idle.request(bhttp::verb::get, "/_matrix/client/v3/fast");
    EXPECT_EQ(warm.status, 200);

    std::optional<Reply> in_flight;
    asio::steady_timer replied(executor, std::chrono::steady_clock::time_point::max());
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          in_flight = co_await busy.request(bhttp::verb::get, "/_matrix/client/v3/wait");
          replied.cancel();
        },
        asio::detached);
    co_await until_waiting();

    server_->stop(std::chrono::seconds(30), [&] { stopped = true; });
    EXPECT_TRUE(co_await idle.closed_by_server());  // idle keep-alive connection: closed at once
    Client late(executor);
    beast::error_code late_ec = co_await late.connect(port());
    EXPECT_TRUE(late_ec == asio::error::connection_refused || co_await late.closed_by_server());
    EXPECT_FALSE(stopped);  // the busy request is still running

    services_.release->cancel();  // the handler finishes
    co_await replied.async_wait(kTuple);
    EXPECT_TRUE(in_flight.has_value());
    if (!in_flight) co_return;
    EXPECT_EQ(in_flight->status, 200);
    EXPECT_FALSE(in_flight->message.keep_alive());  // answered with Connection: close
  });
  EXPECT_TRUE(stopped);
}

TEST_F(GracefulStopTest, ClosesWhatIsStillRunningAfterTheGracePeriod) {
  start();
  bool stopped = false;
  auto started = std::chrono::steady_clock::now();
  run_until_stopped([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    Client busy(executor);
    EXPECT_FALSE(co_await busy.connect(port()));
    std::optional<Reply> in_flight;
    asio::steady_timer client_done(executor, std::chrono::steady_clock::time_point::max());
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          in_flight = co_await busy.request(bhttp::verb::get, "/_matrix/client/v3/wait");
          client_done.cancel();
        },
        asio::detached);
    co_await until_waiting();
    server_->stop(std::chrono::milliseconds(100), [&] { stopped = true; });
    // The handler never finishes on its own; the server must not wait for it beyond the grace.
    // The client's read ends when the server closes the socket; wait for it, since the client
    // and its buffers live in this frame.
    co_await client_done.async_wait(kTuple);
  });
  EXPECT_TRUE(stopped);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

}  // namespace
}  // namespace myelin::http::testing
