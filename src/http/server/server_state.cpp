#include "http/server/server_state.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace myelin::http {

ServerState::ServerState(boost::asio::any_io_executor control, ServerOptions options,
                         Dispatcher dispatcher)
    : control_(control),
      options_(std::move(options)),
      dispatcher_(std::move(dispatcher)),
      grace_timer_(control) {}

std::string ServerState::next_request_id(std::string_view method) {
  return std::string(method) + "-" +
         std::to_string(next_request_.fetch_add(1, std::memory_order_relaxed));
}

std::shared_ptr<SessionEntry> ServerState::add_session(boost::asio::any_io_executor executor) {
  std::lock_guard lock(mutex_);
  if (stopping()) return nullptr;
  auto entry = std::make_shared<SessionEntry>();
  entry->id = next_session_++;
  entry->executor = std::move(executor);
  sessions_.emplace(entry->id, entry);
  return entry;
}

void ServerState::remove_session(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
  }
  finish_stop_if_done();
}

void ServerState::stop(std::chrono::steady_clock::duration grace,
                       std::function<void()> on_stopped) {
  {
    std::lock_guard lock(mutex_);
    if (stopping()) return;
    on_stopped_ = std::move(on_stopped);
    stopping_.store(true, std::memory_order_release);
    // Posted under the lock, so it reaches control_ before finish_stop_if_done's cancel.
    boost::asio::post(control_, [self = shared_from_this(), grace] {
      self->grace_timer_.expires_after(grace);
      self->grace_timer_.async_wait([self](boost::system::error_code ec) {
        if (!ec) self->close_sessions(/*idle_only=*/false);
      });
    });
  }
  close_sessions(/*idle_only=*/true);
  finish_stop_if_done();
}

void ServerState::close_sessions(bool idle_only) {
  std::vector<std::shared_ptr<SessionEntry>> entries;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : sessions_) entries.push_back(entry);
  }
  for (auto& entry : entries) {
    boost::asio::post(entry->executor, [entry, idle_only] {
      if (!entry->close || (idle_only && entry->busy)) return;
      entry->close();
      if (!idle_only) entry->cancel.emit(boost::asio::cancellation_type::terminal);
    });
  }
}

void ServerState::finish_stop_if_done() {
  std::function<void()> on_stopped;
  {
    std::lock_guard lock(mutex_);
    if (!stopping() || stopped_ || !sessions_.empty()) return;
    stopped_ = true;
    on_stopped = std::move(on_stopped_);
  }
  // The grace timer must not keep the io_context running once nothing is left to close.
  boost::asio::post(control_, [self = shared_from_this()] { self->grace_timer_.cancel(); });
  if (on_stopped) on_stopped();
}

}  // namespace myelin::http
