#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/server/http_server.hpp"
#include "services/federation/client/federation_client.hpp"
#include "services/services.hpp"

namespace myelin::app {

// The composition root: builds the store, services and HTTP server from a validated config
// and owns them for the process's life. Construction throws std::runtime_error naming what
// could not be set up (signing key, database, listener).
class Homeserver {
 public:
  Homeserver(const config::Config& config, boost::asio::io_context& io);
  ~Homeserver();

  // Binds the listeners and starts background work (typing expiry, forgetting old to-device
  // delivery keys, the federation sender's queues).
  void start();
  // Every listener's resource names, address and bound port, for the start-up lines.
  std::vector<std::string> listening_urls() const;
  // Graceful stop: wakes waiting syncs, lets requests finish; `on_stopped` runs when done.
  void stop(std::function<void()> on_stopped);

  // Requests to other homeservers (discovery, HTTPS, X-Matrix): what keys, sender and
  // handshakes are given as their transport.
  services::FederationTransport& federation_transport() { return *federation_client_; }

 private:
  // Runs `task` every `interval` on the I/O context until stop().
  void every(std::chrono::steady_clock::duration interval, const char* what,
             std::function<boost::asio::awaitable<void>()> task);

  const config::Config& config_;
  boost::asio::io_context& io_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<async::WorkerPool> db_pool_;
  std::unique_ptr<async::WorkerPool> cpu_pool_;
  std::unique_ptr<services::Notifier> notifier_;
  std::unique_ptr<services::ServiceContext> context_;
  std::unique_ptr<services::FederationClient> federation_client_;  // outlives services_
  std::unique_ptr<Services> services_;
  std::unique_ptr<http::HttpServer> server_;
  std::vector<http::ListenerOptions> listeners_;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  std::vector<std::shared_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace myelin::app
