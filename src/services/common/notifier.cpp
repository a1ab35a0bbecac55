#include "services/common/notifier.hpp"

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

namespace myelin::services {

namespace asio = boost::asio;

namespace {

// A waiter holding the suspended coroutine's completion handler and a timer for its timeout.
// Whichever comes first — wake() or the timer — takes the handler (under the mutex) and resumes
// the coroutine on its own executor; the other finds nothing to do.
template <typename Handler>
class HandlerWaiter final : public Notifier::Waiter,
                            public std::enable_shared_from_this<HandlerWaiter<Handler>> {
 public:
  HandlerWaiter(Handler handler, asio::any_io_executor io)
      : handler_(std::move(handler)), timer_(io) {}

  void start(std::chrono::milliseconds timeout, std::function<void()> on_timeout_cleanup) {
    std::lock_guard lock(mutex_);
    cleanup_ = std::move(on_timeout_cleanup);
    timer_.expires_after(timeout);
    timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code&) {
      self->resume(false, true);
    });
  }

  void wake(bool notified) override { resume(notified, false); }

 private:
  void resume(bool notified, bool from_timer) {
    std::optional<Handler> handler;
    std::function<void()> cleanup;
    {
      std::lock_guard lock(mutex_);
      if (!handler_) return;
      handler.emplace(std::move(*handler_));
      handler_.reset();
      if (from_timer) cleanup = std::move(cleanup_);
      // Woken early: stop the timer on its own executor, after the wait was started (we hold
      // the handler, so start() has finished).
      if (!from_timer) {
        asio::post(timer_.get_executor(),
                   [self = this->shared_from_this()] { self->timer_.cancel(); });
      }
    }
    if (cleanup) cleanup();
    auto executor = asio::get_associated_executor(*handler);
    asio::post(executor, [h = std::move(*handler), notified]() mutable { std::move(h)(notified); });
  }

  std::mutex mutex_;
  std::optional<Handler> handler_;
  asio::steady_timer timer_;
  std::function<void()> cleanup_;
};

}  // namespace

Notifier::Notifier() = default;
Notifier::~Notifier() = default;

std::uint64_t Notifier::version(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  return it == users_.end() ? 0 : it->second.version;
}

asio::awaitable<bool> Notifier::wait(std::string user_id, std::uint64_t seen,
                                     std::chrono::milliseconds timeout) {
  auto io = co_await asio::this_coro::executor;
  auto initiate = [this, io, user_id, seen, timeout](auto handler) {
    using Waiter = HandlerWaiter<decltype(handler)>;
    auto waiter = std::make_shared<Waiter>(std::move(handler), io);
    waiter->start(timeout, [this, user_id, raw = waiter.get()] { remove_waiter(user_id, raw); });
    add_waiter(user_id, seen, waiter);
  };
  bool notified = co_await asio::async_initiate<const asio::use_awaitable_t<>, void(bool)>(
      initiate, asio::use_awaitable);
  co_return notified;
}

void Notifier::add_waiter(const std::string& user_id, std::uint64_t seen,
                          const std::shared_ptr<Waiter>& waiter) {
  bool wake_now = false;
  {
    std::lock_guard lock(mutex_);
    UserEntry& entry = users_[user_id];
    if (shut_down_ || entry.version != seen) {
      wake_now = true;
    } else {
      entry.waiters.push_back(waiter);
    }
  }
  if (wake_now) waiter->wake(true);
}

void Notifier::remove_waiter(const std::string& user_id, const Waiter* waiter) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end()) return;
  auto& waiters = it->second.waiters;
  waiters.erase(std::remove_if(waiters.begin(), waiters.end(),
                               [waiter](const auto& w) { return w.get() == waiter; }),
                waiters.end());
}

void Notifier::notify(const std::string& user_id) {
  std::vector<std::shared_ptr<Waiter>> woken;
  {
    std::lock_guard lock(mutex_);
    UserEntry& entry = users_[user_id];
    ++entry.version;
    woken.swap(entry.waiters);
  }
  for (auto& waiter : woken) waiter->wake(true);
}

void Notifier::notify(const std::vector<std::string>& user_ids) {
  for (const std::string& user_id : user_ids) notify(user_id);
}

void Notifier::shutdown() {
  std::vector<std::shared_ptr<Waiter>> woken;
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    for (auto& [user_id, entry] : users_) {
      for (auto& waiter : entry.waiters) woken.push_back(std::move(waiter));
      entry.waiters.clear();
    }
  }
  for (auto& waiter : woken) waiter->wake(false);
}

std::size_t Notifier::waiting() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [user_id, entry] : users_) count += entry.waiters.size();
  return count;
}

}  // namespace myelin::services
