#include "bench/load/run_all.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <exception>
#include <memory>

#include "bench/load/signal.hpp"

namespace myelin::loadgen {

namespace asio = boost::asio;

namespace {

struct JoinState {
  explicit JoinState(asio::any_io_executor executor) : all_done(std::move(executor)) {}
  std::size_t remaining = 0;
  std::exception_ptr first_error;
  Signal all_done;
};

// One of for_each_index's workers: takes the next index until none is left.
asio::awaitable<void> index_worker(std::shared_ptr<std::size_t> next, std::size_t count,
                                   std::shared_ptr<IndexTask> task) {
  while (*next < count) {
    const std::size_t index = (*next)++;
    co_await (*task)(index);
  }
}

}  // namespace

asio::awaitable<void> run_all(std::vector<asio::awaitable<void>> tasks) {
  if (tasks.empty()) co_return;
  auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<JoinState>(executor);
  state->remaining = tasks.size();
  for (auto& task : tasks) {
    auto on_done = [state](std::exception_ptr error) {
      if (error && !state->first_error) state->first_error = error;
      if (--state->remaining == 0) state->all_done.set();
    };
    asio::co_spawn(executor, std::move(task), std::move(on_done));
  }
  bool finished = false;
  while (!finished) {
    finished = co_await state->all_done.wait_until(std::chrono::steady_clock::time_point::max());
  }
  if (state->first_error) std::rethrow_exception(state->first_error);
}

}  // namespace myelin::loadgen

namespace myelin::loadgen {

asio::awaitable<void> for_each_index(std::size_t count, std::size_t concurrency, IndexTask task) {
  auto next = std::make_shared<std::size_t>(0);
  auto shared_task = std::make_shared<IndexTask>(std::move(task));
  std::vector<asio::awaitable<void>> workers;
  for (std::size_t i = 0; i < std::min(count, concurrency); ++i) {
    workers.push_back(index_worker(next, count, shared_task));
  }
  co_await run_all(std::move(workers));
}

}  // namespace myelin::loadgen
