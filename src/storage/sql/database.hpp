#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "storage/sql/connection.hpp"
#include "storage/sql/dialect.hpp"

namespace myelin::sql {

// A database: one writer connection, used by one caller at a time, and reader connections that
// may be used concurrently. Callers pass a function that runs with the connection; the calls
// block, so they belong on a worker pool (async::WorkerPool), never on an I/O thread.
class Database {
 public:
  virtual ~Database() = default;

  virtual const Dialect& dialect() const = 0;

  // Runs `fn(Connection&)` with the writer connection (serialised with every other write) and
  // returns what it returns.
  template <typename F>
  auto write(F&& fn) {
    return run_with(std::forward<F>(fn), [this](const ConnectionFn& f) { with_writer(f); });
  }

  // Runs `fn(Connection&)` with a reader connection; readers see committed data only.
  template <typename F>
  auto read(F&& fn) {
    return run_with(std::forward<F>(fn), [this](const ConnectionFn& f) { with_reader(f); });
  }

  // Finishes outstanding work and closes every connection; later calls throw.
  virtual void close() = 0;

 protected:
  using ConnectionFn = std::function<void(Connection&)>;

  virtual void with_writer(const ConnectionFn& fn) = 0;
  virtual void with_reader(const ConnectionFn& fn) = 0;

 private:
  template <typename F, typename With>
  static auto run_with(F&& fn, With with) {
    using Result = std::invoke_result_t<F&, Connection&>;
    if constexpr (std::is_void_v<Result>) {
      with([&fn](Connection& c) { fn(c); });
    } else {
      std::optional<Result> result;
      with([&fn, &result](Connection& c) { result.emplace(fn(c)); });
      return std::move(*result);
    }
  }
};

}  // namespace myelin::sql
