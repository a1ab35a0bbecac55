#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "http/server/dispatcher.hpp"
#include "http/server/server_options.hpp"

namespace myelin::http {

// One open connection as the server sees it, to close it on stop. `close` and `busy` are
// touched only on the session's strand (`executor`).
struct SessionEntry {
  std::uint64_t id = 0;
  boost::asio::any_io_executor executor;
  std::function<void()> close;  // set while the session's stream exists
  bool busy = false;            // between a request's head and its response being written
  // Bound to the session coroutine: after the stop grace period, cancels whatever the handler
  // is waiting on (closing the socket alone would not end a suspended long-poll).
  boost::asio::cancellation_signal cancel;
};

// What the server and its sessions share; sessions hold it by shared_ptr, so it outlives them.
class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  ServerState(boost::asio::any_io_executor control, ServerOptions options, Dispatcher dispatcher);

  const ServerOptions& options() const { return options_; }
  const Dispatcher& dispatcher() const { return dispatcher_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  std::string next_request_id(std::string_view method);

  // Null once stopping: the connection is to be closed at once.
  std::shared_ptr<SessionEntry> add_session(boost::asio::any_io_executor executor);
  void remove_session(std::uint64_t id);

  // Closes idle sessions now, busy ones after `grace`; `on_stopped` runs once every session
  // has ended. The first call wins.
  void stop(std::chrono::steady_clock::duration grace, std::function<void()> on_stopped);

 private:
  void close_sessions(bool idle_only);
  void finish_stop_if_done();

  boost::asio::any_io_executor control_;  // a strand: the grace timer lives here
  ServerOptions options_;
  Dispatcher dispatcher_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> next_request_{1};

  std::mutex mutex_;  // guards the members below
  std::uint64_t next_session_ = 1;
  std::map<std::uint64_t, std::shared_ptr<SessionEntry>> sessions_;
  std::function<void()> on_stopped_;
  bool stopped_ = false;
  boost::asio::steady_timer grace_timer_;  // used on control_ only
};

}  // namespace myelin::http
