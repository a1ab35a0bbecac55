#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace myelin::services {

// Wakes suspended /sync requests when something for their user happened. Each user has a
// version that every notification for them bumps; a syncer reads it before looking for news and
// waits only if it is unchanged, so a notification between the look and the wait is not lost.
// Waiting suspends the coroutine; no thread is held. Thread-safe.
class Notifier {
 public:
  Notifier();
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  std::uint64_t version(const std::string& user_id) const;

  // Resumes when the user's version differs from `seen`, `timeout` passes, or shutdown() is
  // called. True when woken by a notification.
  boost::asio::awaitable<bool> wait(std::string user_id, std::uint64_t seen,
                                    std::chrono::milliseconds timeout);

  void notify(const std::vector<std::string>& user_ids);
  void notify(const std::string& user_id);

  // Wakes every waiter and makes later waits return at once (server shutting down).
  void shutdown();

  std::size_t waiting() const;

  // One suspended waiter; public for the implementation's handler wrapper.
  class Waiter {
   public:
    virtual ~Waiter() = default;
    virtual void wake(bool notified) = 0;
  };

 private:
  struct UserEntry {
    std::uint64_t version = 0;
    std::vector<std::shared_ptr<Waiter>> waiters;
  };
  void add_waiter(const std::string& user_id, std::uint64_t seen,
                  const std::shared_ptr<Waiter>& waiter);
  void remove_waiter(const std::string& user_id, const Waiter* waiter);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, UserEntry> users_;
  bool shut_down_ = false;
};

}  // namespace myelin::services
