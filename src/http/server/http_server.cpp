#include "http/server/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "base/log.hpp"
#include "http/server/server_state.hpp"
#include "http/server/session.hpp"
#include "http/server/tls_context.hpp"

namespace myelin::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

struct HttpServer::Listener {
  Listener(asio::any_io_executor executor, ListenerOptions opts)
      : options(std::move(opts)), strand(executor), acceptor(executor) {}

  ListenerOptions options;
  asio::any_io_executor strand;
  tcp::acceptor acceptor;  // used on `strand` only once accepting has started
  std::unique_ptr<asio::ssl::context> tls;
  std::uint16_t port = 0;
};

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Accepting fails when the process runs out of descriptors; wait rather than spin.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

std::string endpoint_text(const tcp::endpoint& endpoint) {
  auto address = endpoint.address();
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

void log_failure(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::error("http", "coroutine failed: {}", e.what());
  }
}

template <typename Listener>
asio::awaitable<void> accept_loop(std::shared_ptr<Listener> listener,
                                  std::shared_ptr<ServerState> state, asio::io_context& io) {
  for (;;) {
    asio::any_io_executor connection_strand = asio::make_strand(io);
    auto [ec, socket] = co_await listener->acceptor.async_accept(connection_strand, kTuple);
    if (state->stopping() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      log::warn("http", "{} listener: accept failed: {}", listener->options.name, ec.message());
      asio::steady_timer backoff(listener->strand, kAcceptBackoff);
      co_await backoff.async_wait(kTuple);
      continue;
    }
    beast::error_code endpoint_ec;
    auto remote_endpoint = socket.remote_endpoint(endpoint_ec);
    std::string remote = endpoint_ec ? "unknown" : endpoint_text(remote_endpoint);
    auto entry = state->add_session(connection_strand);
    if (!entry) co_return;  // stopping: the socket closes as it goes out of scope
    socket.set_option(tcp::no_delay(true), endpoint_ec);
    beast::tcp_stream stream(std::move(socket));
    auto on_done = asio::bind_cancellation_slot(entry->cancel.slot(), log_failure);
    if (listener->tls) {
      asio::co_spawn(
          connection_strand,
          serve_connection(beast::ssl_stream<beast::tcp_stream>(std::move(stream), *listener->tls),
                           std::move(remote), listener->options.x_forwarded,
                           listener->options.resources, state, std::move(entry)),
          on_done);
    } else {
      asio::co_spawn(
          connection_strand,
          serve_connection(std::move(stream), std::move(remote), listener->options.x_forwarded,
                           listener->options.resources, state, std::move(entry)),
          on_done);
    }
  }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, ServerOptions options, Router router,
                       Authenticator authenticator, Services* services, RateLimitHook rate_limit)
    : io_(io) {
  for (const auto& listener_options : options.listeners) {
    listeners_.push_back(std::make_shared<Listener>(asio::make_strand(io), listener_options));
  }
  state_ = std::make_shared<ServerState>(
      asio::make_strand(io), std::move(options),
      Dispatcher(std::move(router), std::move(authenticator), services, std::move(rate_limit)));
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  for (auto& listener : listeners_) {
    const ListenerOptions& opts = listener->options;
    std::string where = opts.name + " listener " + opts.address + ":" + std::to_string(opts.port);
    if (opts.tls) listener->tls = make_server_tls_context(*opts.tls);
    beast::error_code ec;
    auto address = asio::ip::make_address(opts.address, ec);
    if (ec) throw std::runtime_error(where + ": bad address: " + ec.message());
    tcp::endpoint endpoint(address, opts.port);
    tcp::acceptor& acceptor = listener->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error(where + ": " + ec.message());
    listener->port = acceptor.local_endpoint().port();
    log::info("http", "{} listener on {}:{}{}", opts.name, opts.address, listener->port,
              opts.tls ? " (TLS)" : "");
  }
  for (auto& listener : listeners_) {
    asio::co_spawn(listener->strand, accept_loop(listener, state_, io_), log_failure);
  }
}

std::uint16_t HttpServer::port(std::size_t index) const { return listeners_.at(index)->port; }

void HttpServer::stop(std::chrono::steady_clock::duration grace, std::function<void()> on_stopped) {
  for (auto& listener : listeners_) {
    asio::post(listener->strand, [listener] {
      beast::error_code ignored;
      listener->acceptor.close(ignored);
    });
  }
  state_->stop(grace, std::move(on_stopped));
}

}  // namespace myelin::http
