#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http/client/connection.hpp"

namespace myelin::http {

// Idle keep-alive connections by key (scheme, address, port, TLS name). A connection is in the
// pool only while no request uses it. Limits: per key, in total, and by age — expired ones are
// closed when the pool is next used (no timer of its own). Thread-safe.
class ConnectionPool {
 public:
  ConnectionPool(std::size_t max_per_key, std::size_t max_total,
                 std::chrono::milliseconds idle_timeout);

  // The most recently used live connection for `key`, or null.
  std::unique_ptr<Connection> take(const std::string& key);
  // Keeps `connection` for reuse; the oldest idle ones go when a limit is exceeded.
  void put(std::unique_ptr<Connection> connection);
  std::size_t size() const;

 private:
  void drop_expired(std::chrono::steady_clock::time_point now);  // mutex_ held

  std::size_t max_per_key_;
  std::size_t max_total_;
  std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;  // newest at the back
  std::size_t total_ = 0;
};

}  // namespace myelin::http
