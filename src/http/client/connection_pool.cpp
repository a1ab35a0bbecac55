#include "http/client/connection_pool.hpp"

#include <poll.h>

namespace myelin::http {

namespace {

// An idle connection the server has closed (or that has unexpected bytes waiting) reads as
// ready: reusing it would fail, so it is dropped. poll() with no wait costs nothing.
bool still_open(Connection& connection) {
  pollfd fd{connection.tcp().socket().native_handle(), POLLIN, 0};
  return ::poll(&fd, 1, 0) == 0;
}

}  // namespace

ConnectionPool::ConnectionPool(std::size_t max_per_key, std::size_t max_total,
                               std::chrono::milliseconds idle_timeout)
    : max_per_key_(max_per_key), max_total_(max_total), idle_timeout_(idle_timeout) {}

std::unique_ptr<Connection> ConnectionPool::take(const std::string& key) {
  std::lock_guard lock(mutex_);
  drop_expired(std::chrono::steady_clock::now());
  auto found = idle_.find(key);
  while (found != idle_.end() && !found->second.empty()) {
    std::unique_ptr<Connection> connection = std::move(found->second.back());
    found->second.pop_back();
    --total_;
    if (still_open(*connection)) return connection;
  }
  return nullptr;
}

void ConnectionPool::put(std::unique_ptr<Connection> connection) {
  if (max_per_key_ == 0 || max_total_ == 0) return;
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  drop_expired(now);
  connection->idle_since = now;
  auto& queue = idle_[connection->key];
  queue.push_back(std::move(connection));
  ++total_;
  if (queue.size() > max_per_key_) {
    queue.pop_front();
    --total_;
  }
  while (total_ > max_total_) {
    // Over the total: the connection idle longest, whichever its key.
    auto oldest = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if (!it->second.empty() &&
          (oldest == idle_.end() ||
           it->second.front()->idle_since < oldest->second.front()->idle_since)) {
        oldest = it;
      }
    }
    oldest->second.pop_front();
    --total_;
  }
}

std::size_t ConnectionPool::size() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void ConnectionPool::drop_expired(std::chrono::steady_clock::time_point now) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && now - queue.front()->idle_since >= idle_timeout_) {
      queue.pop_front();
      --total_;
    }
    it = queue.empty() ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace myelin::http
