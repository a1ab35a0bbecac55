#include "bench/load/initial_sync_scenario.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <vector>

#include "bench/load/matrix_user.hpp"
#include "bench/load/run_all.hpp"

namespace myelin::loadgen {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

asio::awaitable<void> build_room(ServerAddress server, Account account, std::size_t index,
                                 std::size_t messages) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), std::move(account));
  json::object request{{"preset", "public_chat"},
                       {"name", "initial sync room " + std::to_string(index)}};
  const std::string room_id = co_await user.create_room(std::move(request));
  for (std::size_t m = 0; m < messages; ++m) {
    std::string text = "message " + std::to_string(m) + " in room " + std::to_string(index);
    co_await user.send_text(room_id, std::move(text));
  }
}

std::size_t joined_rooms(const std::string& body) {
  const json::value sync = json::parse(body);
  if (const json::value* rooms = sync.as_object().if_contains("rooms")) {
    if (const json::value* join = rooms->as_object().if_contains("join")) {
      if (join->is_object()) return join->as_object().size();
    }
  }
  return 0;
}

}  // namespace

asio::awaitable<InitialSyncResult> run_initial_sync(ServerAddress server,
                                                    InitialSyncOptions options) {
  auto executor = co_await asio::this_coro::executor;
  InitialSyncResult result;
  const Clock::time_point setup_start = Clock::now();
  MatrixUser user(executor, server, Account{});
  std::string localpart = "lg" + options.run_tag + "_initial_sync";
  std::string password = "myelin-loadgen-password";
  co_await user.register_account(std::move(localpart), std::move(password));
  const Account account = user.account();
  IndexTask build_task = [server, account, messages = options.messages_per_room](std::size_t i) {
    return build_room(server, account, i, messages);
  };
  co_await for_each_index(options.rooms, options.concurrency, build_task);
  result.setup_seconds = std::chrono::duration<double>(Clock::now() - setup_start).count();

  std::vector<double> runs_ms;
  for (std::size_t run = 0; run < std::max<std::size_t>(options.runs, 1); ++run) {
    const Clock::time_point start = Clock::now();
    std::string query = "timeout=0";
    HttpResponse response = co_await user.sync(std::move(query));
    runs_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    result.response_bytes = response.body.size();
    result.rooms_in_response = joined_rooms(response.body);
  }
  std::sort(runs_ms.begin(), runs_ms.end());
  result.median_ms = runs_ms[runs_ms.size() / 2];
  result.min_ms = runs_ms.front();
  result.max_ms = runs_ms.back();
  co_return result;
}

}  // namespace myelin::loadgen
