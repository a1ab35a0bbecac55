#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "async/worker_pool.hpp"
#include "config/config.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "services/common/notifier.hpp"
#include "storage/store/store.hpp"

namespace myelin::services {

using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch

// What every service shares: configuration, the store and the pool its blocking calls run on,
// the server's signing key, the notifier that wakes syncs, and the clock.
struct ServiceContext {
  const config::Config& config;
  storage::Store& store;
  async::WorkerPool& db_pool;
  // CPU-heavy work (password hashing) runs here so that it never delays database work.
  async::WorkerPool& cpu_pool;
  crypto::SigningKey signing_key;
  Notifier& notifier;
  Clock now_ms;

  const std::string& server_name() const { return config.server_name; }
  // Runs a blocking store call on the database pool.
  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F>> db(F f) {
    return db_pool.run(std::move(f));
  }
  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F>> cpu(F f) {
    return cpu_pool.run(std::move(f));
  }
};

// The wall clock, in milliseconds since the epoch.
std::int64_t system_now_ms();

}  // namespace myelin::services
