#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "http/router/router.hpp"
#include "http/server/authenticator.hpp"
#include "http/server/rate_limit_hook.hpp"
#include "http/server/server_options.hpp"

namespace myelin::http {

class ServerState;

// The homeserver's HTTP front: one accept-loop coroutine per listener, one coroutine per
// connection, all on the caller's io_context (which the caller runs on as many threads as it
// likes; each connection stays on its own strand). A request waiting for something — a long
// /sync — is a suspended coroutine and holds no thread.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerOptions options, Router router,
             Authenticator authenticator, Services* services, RateLimitHook rate_limit = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds every listener and starts accepting. Throws std::runtime_error naming the listener
  // when an address cannot be bound or its TLS files cannot be loaded.
  void start();

  // The port listener `index` is bound to: the chosen one when its options asked for port 0.
  std::uint16_t port(std::size_t index = 0) const;

  // Stops accepting and closes idle connections at once; requests in flight may finish and be
  // answered (with Connection: close) for up to `grace`, then their connections are closed too.
  // `on_stopped` runs (on an io_context thread) once every connection has ended; after that the
  // server leaves no work on the io_context. Safe from any thread; later calls do nothing.
  void stop(std::chrono::steady_clock::duration grace, std::function<void()> on_stopped = {});

 private:
  struct Listener;

  boost::asio::io_context& io_;
  std::shared_ptr<ServerState> state_;
  std::vector<std::shared_ptr<Listener>> listeners_;
};

}  // namespace myelin::http
