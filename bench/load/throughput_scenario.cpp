#include "bench/load/throughput_scenario.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <memory>
#include <vector>

#include "bench/load/matrix_user.hpp"
#include "bench/load/run_all.hpp"

namespace myelin::loadgen {

namespace asio = boost::asio;

namespace {

// After this many failures in a row a sender gives up: the server is not answering at all.
constexpr std::size_t kMaxConsecutiveFailures = 50;

asio::awaitable<void> send_loop(ServerAddress server, Account account, std::string room_id,
                                LoadControl control, std::shared_ptr<ThroughputResult> result) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), std::move(account));
  std::size_t consecutive_failures = 0;
  for (std::size_t n = 0; !control.should_stop(); ++n) {
    const auto start = std::chrono::steady_clock::now();
    std::string error;
    try {
      std::string text = "load message " + std::to_string(n);
      co_await user.send_text(room_id, std::move(text));
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (error.empty()) {
      result->latency.add(std::chrono::steady_clock::now() - start);
      ++result->sent;
      consecutive_failures = 0;
    } else {
      ++result->failed;
      if (result->first_error.empty()) result->first_error = error;
      if (++consecutive_failures >= kMaxConsecutiveFailures) co_return;
    }
  }
}

}  // namespace

asio::awaitable<ThroughputResult> run_throughput(ServerAddress server, LoadWorld world,
                                                 std::size_t senders, LoadControl control) {
  auto result = std::make_shared<ThroughputResult>();
  std::vector<asio::awaitable<void>> loops;
  for (std::size_t i = 0; i < senders && i < world.users.size(); ++i) {
    const std::string& room = world.rooms[i % world.rooms.size()];
    loops.push_back(send_loop(server, world.users[i], room, control, result));
  }
  const auto start = std::chrono::steady_clock::now();
  co_await run_all(std::move(loops));
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  co_return std::move(*result);
}

}  // namespace myelin::loadgen
