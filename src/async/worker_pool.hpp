#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace myelin::async {

namespace asio = boost::asio;

// A fixed number of threads for blocking work (SQLite, password hashing, thumbnails, bulk
// signature checks), so that I/O threads never block. At most size() jobs run at once; more
// wait in the queue. The pool must outlive the coroutines awaiting it.
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  // Lets queued work finish, then joins the threads.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const { return size_; }

  // Runs `job` on a worker thread, for callers that complete their own waiters (batching).
  void post(std::function<void()> job) { asio::post(pool_, std::move(job)); }

  // Runs `f(args...)` on a worker thread and resumes the awaiting coroutine on its own executor
  // with the result, or rethrows what `f` threw. While `f` runs, the caller's executor counts it
  // as outstanding work, so its io_context does not run dry and return meanwhile.
  //
  // g++ 12.2 destroys a capturing lambda (any aggregate) written as a temporary inside a
  // co_await expression twice — a double free when it captures a string or a shared_ptr (seen
  // under ASan here; also tremotesf2 PR #551). Name the lambda first, or pass a function and
  // its arguments (both forms are tested in worker_pool_test.cpp):
  //   auto load = [room_id] { ... };  co_await pool.run(std::move(load));
  //   co_await pool.run(&load_room, store, room_id);
  template <typename F, typename... Args>
  asio::awaitable<std::invoke_result_t<F, Args...>> run(F f, Args... args);

 private:
  template <typename Result>
  struct Outcome {
    using Signature = std::conditional_t<std::is_void_v<Result>, void(std::exception_ptr),
                                         void(std::exception_ptr, std::optional<Result>)>;
  };

  std::size_t size_;
  asio::thread_pool pool_;
};

template <typename F, typename... Args>
asio::awaitable<std::invoke_result_t<F, Args...>> WorkerPool::run(F f, Args... args) {
  using Result = std::invoke_result_t<F, Args...>;
  static_assert(!std::is_reference_v<Result>,
                "return a value: a reference into the job's data would dangle in the caller");
  auto bound = [f = std::move(f), ... args = std::move(args)]() mutable -> Result {
    return std::invoke(std::move(f), std::move(args)...);
  };
  using Job = decltype(bound);
  auto initiate = [pool = pool_.get_executor()](auto handler, Job job) {
    // Keep the caller's executor busy until the result has been handed back.
    auto home = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    asio::post(pool, [handler = std::move(handler), job = std::optional<Job>(std::move(job)),
                      home = std::move(home)]() mutable {
      std::exception_ptr error;
      std::optional<std::conditional_t<std::is_void_v<Result>, std::monostate, Result>> result;
      try {
        if constexpr (std::is_void_v<Result>) {
          (*job)();
        } else {
          result.emplace((*job)());
        }
      } catch (...) {
        error = std::current_exception();
      }
      // What the job holds (captures, arguments, a lease on something) is released before the
      // caller resumes, not at some later point on this thread.
      job.reset();
      asio::post(home, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        if constexpr (std::is_void_v<Result>) {
          std::move(handler)(error);
        } else {
          std::move(handler)(error, std::move(result));
        }
      });
    });
  };
  using Signature = typename Outcome<Result>::Signature;
  if constexpr (std::is_void_v<Result>) {
    co_await asio::async_initiate<const asio::use_awaitable_t<>, Signature>(
        std::move(initiate), asio::use_awaitable, std::move(bound));
  } else {
    std::optional<Result> result =
        co_await asio::async_initiate<const asio::use_awaitable_t<>, Signature>(
            std::move(initiate), asio::use_awaitable, std::move(bound));
    co_return std::move(*result);
  }
}

}  // namespace myelin::async
