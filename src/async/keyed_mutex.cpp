#include "async/keyed_mutex.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cassert>

namespace myelin::async {
namespace {

template <typename Handler>
class HandlerWaiter : public KeyedMutex::Waiter {
 public:
  explicit HandlerWaiter(Handler handler)
      : work_(asio::prefer(asio::get_associated_executor(handler),
                           asio::execution::outstanding_work.tracked)),
        handler_(std::move(handler)) {}

  void resume() override {
    asio::post(work_, [handler = std::move(handler_)]() mutable { std::move(handler)(); });
  }

 private:
  // The waiting coroutine's executor, counting the wait as outstanding work so that its
  // io_context does not return while the coroutine waits for the key.
  decltype(asio::prefer(std::declval<asio::associated_executor_t<Handler>>(),
                        asio::execution::outstanding_work.tracked)) work_;
  Handler handler_;
};

}  // namespace

KeyedMutex::~KeyedMutex() {
  // A guard outliving its mutex would unlock freed memory; a queued waiter would never resume.
  assert(held_.empty() && "KeyedMutex destroyed while a key is held");
}

KeyedMutex::Guard::Guard(Guard&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}

KeyedMutex::Guard& KeyedMutex::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    unlock();
    owner_ = std::exchange(other.owner_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

void KeyedMutex::Guard::unlock() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->unlock(key_);
}

asio::awaitable<KeyedMutex::Guard> KeyedMutex::lock(std::string key) {
  bool acquired = false;
  {
    std::lock_guard lock(mutex_);
    acquired = held_.try_emplace(key).second;
  }
  if (!acquired) {
    co_await asio::async_initiate<const asio::use_awaitable_t<>, void()>(
        [this](auto handler, const std::string& key) {
          using Handler = decltype(handler);
          acquire_or_queue(key, std::make_unique<HandlerWaiter<Handler>>(std::move(handler)));
        },
        asio::use_awaitable, key);
  }
  co_return Guard(*this, std::move(key));
}

void KeyedMutex::acquire_or_queue(const std::string& key, std::unique_ptr<Waiter> waiter) {
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = held_.try_emplace(key);
    if (!inserted) {
      it->second.push_back(std::move(waiter));
      return;
    }
  }
  // Freed between the first look and now: the key is ours, resume at once.
  waiter->resume();
}

void KeyedMutex::unlock(const std::string& key) {
  std::unique_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(key);
    assert(it != held_.end() && "unlocking a key that is not held");
    if (it->second.empty()) {
      held_.erase(it);
      return;
    }
    // The key passes straight to the first waiter and stays held: no newcomer can barge in.
    next = std::move(it->second.front());
    it->second.pop_front();
  }
  next->resume();
}

bool KeyedMutex::is_locked(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return held_.contains(key);
}

std::size_t KeyedMutex::waiting(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(key);
  return it == held_.end() ? 0 : it->second.size();
}

}  // namespace myelin::async
