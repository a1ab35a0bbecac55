#include "bench/load/signal.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace myelin::loadgen {

namespace asio = boost::asio;

Signal::Signal(asio::any_io_executor executor) : timer_(std::move(executor)) {}

void Signal::set() {
  set_ = true;
  timer_.cancel();
}

asio::awaitable<bool> Signal::wait_until(std::chrono::steady_clock::time_point deadline) {
  while (!set_) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    timer_.expires_at(deadline);
    boost::system::error_code ignored;  // cancelled by set(), or expired: the loop decides
    auto token = asio::redirect_error(asio::use_awaitable, ignored);
    co_await timer_.async_wait(token);
  }
  set_ = false;
  co_return true;
}

}  // namespace myelin::loadgen
