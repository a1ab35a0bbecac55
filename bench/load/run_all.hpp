#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <vector>

namespace myelin::loadgen {

// Runs the tasks concurrently on the caller's (single-threaded) executor and returns when all
// have finished; then rethrows the first failure, if any.
boost::asio::awaitable<void> run_all(std::vector<boost::asio::awaitable<void>> tasks);

// A job for for_each_index. Keep one in a named variable before awaiting for_each_index:
// g++ 12 mishandles non-trivial temporaries built inside a co_await expression (see
// src/async/worker_pool.hpp).
using IndexTask = std::function<boost::asio::awaitable<void>(std::size_t)>;

// Awaits task(i) for every i in [0, count), at most `concurrency` at a time; rethrows the first
// failure once all have finished.
boost::asio::awaitable<void> for_each_index(std::size_t count, std::size_t concurrency,
                                            IndexTask task);

}  // namespace myelin::loadgen
