#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace myelin::loadgen {

// A one-waiter, auto-reset event for coroutines on ONE single-threaded io_context: set() wakes
// the waiter, or the next wait() returns at once. (A timer that never expires, cancelled to
// wake: Asio has no condition variable for coroutines.)
class Signal {
 public:
  explicit Signal(boost::asio::any_io_executor executor);

  void set();
  // True when set (and consumes it); false when `deadline` passed first.
  boost::asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

}  // namespace myelin::loadgen
