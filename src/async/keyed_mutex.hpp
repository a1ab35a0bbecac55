#pragma once

#include <boost/asio/awaitable.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace myelin::async {

namespace asio = boost::asio;

// An asynchronous lock per key (a room ID, say): coroutines holding different keys run
// concurrently, those asking for a held key wait — suspended, never blocking a thread — and are
// let in one at a time in the order they asked. Usable from any number of I/O threads.
//
//   KeyedMutex::Guard guard = co_await room_locks.lock(room_id);
//
// Every guard and waiter must be gone before the KeyedMutex is destroyed. A waiting coroutine
// is not cancellable: it stays queued until it gets the key (holders are expected to be brief).
class KeyedMutex {
 public:
  // Holds the key until destroyed (or unlock() is called); movable, not copyable.
  class Guard {
   public:
    Guard(Guard&& other) noexcept;
    Guard& operator=(Guard&& other) noexcept;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { unlock(); }

    void unlock();
    bool owns_lock() const { return owner_ != nullptr; }
    const std::string& key() const { return key_; }

   private:
    friend class KeyedMutex;
    Guard(KeyedMutex& owner, std::string key) : owner_(&owner), key_(std::move(key)) {}

    KeyedMutex* owner_;
    std::string key_;
  };

  KeyedMutex() = default;
  ~KeyedMutex();
  KeyedMutex(const KeyedMutex&) = delete;
  KeyedMutex& operator=(const KeyedMutex&) = delete;

  asio::awaitable<Guard> lock(std::string key);

  bool is_locked(const std::string& key) const;
  std::size_t waiting(const std::string& key) const;  // coroutines queued for the key

  // A suspended coroutine waiting for a key (its completion handler, type-erased). Public only
  // so that the implementation's handler wrapper can derive from it.
  class Waiter {
   public:
    virtual ~Waiter() = default;
    // Resumes the coroutine on its own executor, as the key's new holder.
    virtual void resume() = 0;
  };

 private:
  // Takes the key for the caller if it is free; otherwise queues `waiter`, which is resumed
  // once the key has been handed to it.
  void acquire_or_queue(const std::string& key, std::unique_ptr<Waiter> waiter);
  // Hands the key to the next waiter, or frees it when none is left.
  void unlock(const std::string& key);

  mutable std::mutex mutex_;
  // A key is held while it is in the map; its value is the queue of waiters.
  std::unordered_map<std::string, std::deque<std::unique_ptr<Waiter>>> held_;
};

}  // namespace myelin::async
