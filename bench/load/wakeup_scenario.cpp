#include "bench/load/wakeup_scenario.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/system/system_error.hpp>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "bench/load/run_all.hpp"
#include "bench/load/signal.hpp"

namespace myelin::loadgen {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kMarker = "wake-up probe ";
// A message not seen within this long counts as missed (the long-poll itself lasts 30 s).
constexpr std::chrono::seconds kMissAfter{10};
constexpr std::size_t kMaxMissed = 3;

// What the two coroutines of one run share (one thread: no locks).
struct Probe {
  explicit Probe(asio::any_io_executor executor, std::size_t samples)
      : poll_written(executor), received(executor), received_at(samples) {}
  Signal poll_written;  // the receiver has a /sync request on the wire
  Signal received;      // the receiver saw message `expected`
  std::vector<std::optional<Clock::time_point>> received_at;
  std::size_t expected = SIZE_MAX;
  bool done = false;
  HttpConnection* receiver_connection = nullptr;  // while the receiver runs
  std::size_t other_wakeups = 0;
};

std::string next_batch_of(const json::value& sync) {
  if (const json::string* token = sync.as_object().at("next_batch").if_string()) {
    return std::string(*token);
  }
  throw std::runtime_error("/sync answered without next_batch");
}

// The sample numbers of the probe messages in `room_id`'s timeline.
std::vector<std::size_t> probe_messages(const json::value& sync, const std::string& room_id) {
  std::vector<std::size_t> found;
  const json::value* events = nullptr;
  if (const json::value* rooms = sync.as_object().if_contains("rooms")) {
    if (const json::value* join = rooms->as_object().if_contains("join")) {
      if (const json::value* room = join->as_object().if_contains(room_id)) {
        if (const json::value* timeline = room->as_object().if_contains("timeline")) {
          events = timeline->as_object().if_contains("events");
        }
      }
    }
  }
  if (events == nullptr || !events->is_array()) return found;
  for (const json::value& event : events->as_array()) {
    const json::value* content = event.as_object().if_contains("content");
    if (content == nullptr || !content->is_object()) continue;
    const json::value* body = content->as_object().if_contains("body");
    if (body == nullptr || !body->is_string()) continue;
    const std::string_view text = body->as_string();
    if (!text.starts_with(kMarker)) continue;
    found.push_back(std::stoul(std::string(text.substr(kMarker.size()))));
  }
  return found;
}

asio::awaitable<void> receive_loop(ServerAddress server, Account account, std::string room_id,
                                   std::shared_ptr<Probe> probe) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), std::move(account));
  std::string initial_query = "timeout=0";
  HttpResponse initial = co_await user.sync(std::move(initial_query));
  std::string since = next_batch_of(json::parse(initial.body));
  HttpConnection& connection = user.connection();
  probe->receiver_connection = &connection;
  // However this loop ends, the sender must not close a connection that no longer exists.
  struct Detach {
    Probe* probe;
    ~Detach() { probe->receiver_connection = nullptr; }
  } detach{probe.get()};
  while (!probe->done) {
    std::optional<HttpResponse> response;
    try {
      std::string target =
          "/_matrix/client/v3/sync?timeout=30000&since=" + encode_path_segment(since);
      std::string no_body;
      co_await connection.write_request(boost::beast::http::verb::get, std::move(target),
                                        std::move(no_body), user.account().access_token);
      probe->poll_written.set();
      response = co_await connection.read_response();
    } catch (const boost::system::system_error&) {
      if (!probe->done) throw;  // else: the sender closed the connection to end the last poll
    }
    if (!response) break;
    const Clock::time_point arrived = Clock::now();
    check_success(*response, "GET /sync (long-poll)");
    const json::value sync = json::parse(response->body);
    since = next_batch_of(sync);
    bool awaited = false;
    for (const std::size_t sample : probe_messages(sync, room_id)) {
      if (sample >= probe->received_at.size() || probe->received_at[sample]) continue;
      probe->received_at[sample] = arrived;
      if (sample == probe->expected) awaited = true;
    }
    if (awaited) {
      probe->received.set();
    } else {
      ++probe->other_wakeups;
    }
  }
}

asio::awaitable<void> send_samples(ServerAddress server, Account account, std::string room_id,
                                   WakeupOptions options, std::shared_ptr<Probe> probe,
                                   std::shared_ptr<WakeupResult> result) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), std::move(account));
  asio::steady_timer settle(executor);
  for (std::size_t sample = 0; sample < options.samples; ++sample) {
    // (Awaited into a variable, never inside a condition: g++ 12 corrupts the frame there.)
    const bool polling = co_await probe->poll_written.wait_until(Clock::now() + kMissAfter);
    if (!polling) {
      throw std::runtime_error("the receiver's /sync request never went out");
    }
    settle.expires_after(options.settle);
    co_await settle.async_wait(asio::use_awaitable);
    probe->expected = sample;
    const Clock::time_point start = Clock::now();
    std::string text = std::string(kMarker) + std::to_string(sample);
    co_await user.send_text(room_id, std::move(text));
    // The receiver may have seen it before the send was answered; a stale set() from an
    // earlier sample only costs one more turn of this loop.
    const Clock::time_point give_up = Clock::now() + kMissAfter;
    while (!probe->received_at[sample]) {
      const bool woken = co_await probe->received.wait_until(give_up);
      if (!woken) break;
    }
    if (!probe->received_at[sample]) {
      if (++result->missed >= kMaxMissed) {
        throw std::runtime_error("the receiver's /sync did not deliver " +
                                 std::to_string(result->missed) + " messages");
      }
      continue;
    }
    result->latency.add(*probe->received_at[sample] - start);
  }
}

asio::awaitable<void> send_loop(ServerAddress server, Account account, std::string room_id,
                                WakeupOptions options, std::shared_ptr<Probe> probe,
                                std::shared_ptr<WakeupResult> result) {
  std::exception_ptr error;
  try {
    // Built before the co_await: g++ 12 mishandles aggregate temporaries (ServerAddress, Account,
    // WakeupOptions) inside a co_await expression.
    asio::awaitable<void> samples = send_samples(std::move(server), std::move(account),
                                                 std::move(room_id), options, probe, result);
    co_await std::move(samples);
  } catch (...) {
    error = std::current_exception();
  }
  // End the receiver's last long-poll rather than wait out its 30 s.
  probe->done = true;
  if (probe->receiver_connection != nullptr) probe->receiver_connection->close();
  if (error) std::rethrow_exception(error);
}

}  // namespace

asio::awaitable<WakeupResult> run_wakeup(ServerAddress server, Account receiver, Account sender,
                                         std::string room_id, WakeupOptions options) {
  auto executor = co_await asio::this_coro::executor;
  auto probe = std::make_shared<Probe>(executor, options.samples);
  auto result = std::make_shared<WakeupResult>();
  std::vector<asio::awaitable<void>> loops;
  loops.push_back(receive_loop(server, std::move(receiver), room_id, probe));
  loops.push_back(
      send_loop(std::move(server), std::move(sender), std::move(room_id), options, probe, result));
  co_await run_all(std::move(loops));
  result->other_wakeups = probe->other_wakeups;
  co_return std::move(*result);
}

}  // namespace myelin::loadgen
