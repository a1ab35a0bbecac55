// Sustained federation throughput (issue 5): server A's users send messages into a room that
// server B's user joined, and A's FederationSender carries them to B's FederationReceiver in /send
// transactions (at most 50 PDUs each, one in flight at a time, as the spec and the sender do).
// Both are real homeservers in one process (the services' test support); each transaction body
// and answer crosses a simulated wire (serialised to JSON text and parsed again).
//
// MYELIN_BENCH_FED_MESSAGES messages (default 5,000) from MYELIN_BENCH_FED_SENDERS concurrent
// senders (default 4). Figures: events/s end to end (first send until B holds the last event),
// A's local send rate alone, and how far B lagged behind A's last send.
#include <benchmark/benchmark.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <memory>

#include "bench/federation_bench_room.hpp"
#include "services/federation/receiver/federation_receiver.hpp"
#include "services/federation/sender/federation_sender.hpp"
#include "services/sync/presence_service.hpp"
#include "services/sync/typing_service.hpp"

namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using myelin::bench::env_int;
using myelin::bench::seconds_since;
using myelin::services::EventDraft;
using myelin::services::FederationReceiver;
using myelin::services::FederationSender;
using myelin::services::FederationTransport;
using myelin::services::PresenceService;
using myelin::services::TypingService;
using myelin::services::testing::FederationTestServer;
using myelin::services::testing::FixedServerKeys;
using myelin::services::testing::LoopbackTransport;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSendPath = "/_matrix/federation/v1/send/";

// The loopback transport, plus /send into the destination's FederationReceiver; bodies and
// answers of /send cross a wire (serialised and parsed).
class SendingTransport : public FederationTransport {
 public:
  SendingTransport(std::string origin, LoopbackTransport& inner,
                   std::map<std::string, FederationReceiver*>& receivers)
      : origin_(std::move(origin)), inner_(inner), receivers_(receivers) {}

  asio::awaitable<bj::value> request(std::string destination, std::string method, std::string path,
                                     std::optional<bj::value> body) override {
    auto receiver = receivers_.find(destination);
    if (!path.starts_with(kSendPath) || receiver == receivers_.end()) {
      co_return co_await inner_.request(std::move(destination), std::move(method), std::move(path),
                                        std::move(body));
    }
    ++transactions;
    std::string txn_id = path.substr(kSendPath.size());
    bj::object sent = bj::parse(bj::serialize(body ? *body : bj::value())).as_object();
    pdus += sent["pdus"].is_array() ? sent["pdus"].as_array().size() : 0;
    bj::object answer =
        co_await receiver->second->handle_transaction(origin_, std::move(txn_id), std::move(sent));
    co_return bj::parse(bj::serialize(answer));
  }
  asio::awaitable<bj::value> request_unsigned(std::string destination, std::string method,
                                              std::string path,
                                              std::optional<bj::value> body) override {
    return inner_.request_unsigned(std::move(destination), std::move(method), std::move(path),
                                   std::move(body));
  }

  std::int64_t transactions = 0;
  std::int64_t pdus = 0;

 private:
  std::string origin_;
  LoopbackTransport& inner_;
  std::map<std::string, FederationReceiver*>& receivers_;
};

struct Figures {
  double local_seconds = 0;  // A's sends, all done
  double total_seconds = 0;  // B holds the last one
  std::string last_event_id;
};

asio::awaitable<void> send_messages(FederationTestServer& a, std::string room_id,
                                    std::string sender, int count, std::string* last) {
  for (int i = 0; i < count; ++i) {
    EventDraft draft{sender, "m.room.message", std::nullopt,
                     bj::object{{"msgtype", "m.text"}, {"body", "message " + std::to_string(i)}},
                     std::nullopt};
    auto sent = co_await a.rooms().send_event(room_id, std::move(draft), {});
    *last = sent.event_id;
  }
}

// Every sender's messages, then waits until B's room has the room's last event as its head.
asio::awaitable<Figures> send_and_wait(FederationTestServer& a, FederationTestServer& b,
                                       std::string room_id, std::vector<std::string> senders,
                                       int messages) {
  auto executor = co_await asio::this_coro::executor;
  const auto start = Clock::now();
  std::vector<std::string> lasts(senders.size());
  int remaining = static_cast<int>(senders.size());
  for (std::size_t i = 0; i < senders.size(); ++i) {
    const int count = messages / static_cast<int>(senders.size()) +
                      (static_cast<int>(i) < messages % static_cast<int>(senders.size()));
    asio::co_spawn(executor, send_messages(a, room_id, senders[i], count, &lasts[i]),
                   [&remaining](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                     --remaining;
                   });
  }
  asio::steady_timer timer(executor);
  while (remaining > 0) {
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::use_awaitable);
  }
  Figures figures;
  figures.local_seconds = seconds_since(start);
  auto on_a = co_await a.rooms().room(room_id);
  figures.last_event_id = on_a->extremities.front().event_id;
  for (;;) {
    auto on_b = co_await b.rooms().room(room_id);
    if (on_b && !on_b->extremities.empty() &&
        on_b->extremities.back().event_id == figures.last_event_id) {
      break;
    }
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(asio::use_awaitable);
  }
  figures.total_seconds = seconds_since(start);
  co_return figures;
}

void BM_FederationThroughput(benchmark::State& state) {
  const int messages = env_int("MYELIN_BENCH_FED_MESSAGES", 5000);
  const int sender_count = std::max(1, env_int("MYELIN_BENCH_FED_SENDERS", 4));
  for (auto _ : state) {
    asio::io_context io;
    FixedServerKeys keys;
    std::map<std::string, FederationTestServer*> servers;
    std::map<std::string, FederationReceiver*> receivers;
    FederationTestServer a("a.test", keys);
    FederationTestServer b("b.test", keys);
    servers["a.test"] = &a;
    servers["b.test"] = &b;
    LoopbackTransport a_loopback("a.test", servers);
    LoopbackTransport b_loopback("b.test", servers);
    SendingTransport a_transport("a.test", a_loopback, receivers);
    b.membership().set_transport(&b_loopback);
    FederationReceiver receiver(b.ctx(), b.rooms());
    receiver.set_transport(&b_loopback);
    receiver.set_server_keys(&keys);
    receivers["b.test"] = &receiver;
    TypingService typing;
    PresenceService presence(a.ctx(), a.rooms());
    FederationSender sender(a.ctx(), a.rooms(), typing, presence);
    sender.set_transport(&a_transport);
    sender.start(io.get_executor());

    // alice's public room on A, joined by her fellow senders and by bob from B.
    std::vector<std::string> senders;
    for (int i = 0; i < sender_count; ++i)
      senders.push_back(a.register_user("s" + std::to_string(i)));
    myelin::services::CreateRoomRequest request;
    request.creator = senders.front();
    request.room_version = "10";
    request.preset = "public_chat";
    const std::string room_id =
        myelin::bench::run_on(io, a.rooms().create_room(std::move(request)));
    for (std::size_t i = 1; i < senders.size(); ++i) {
      myelin::bench::run_on(io, a.rooms().join(room_id, senders[i], std::nullopt));
    }
    const std::string bob = b.register_user("bob");
    myelin::bench::run_on(io, b.membership().ours.join(room_id, bob, {"a.test"}, std::nullopt));

    auto done =
        asio::co_spawn(io, send_and_wait(a, b, room_id, senders, messages), asio::use_future);
    io.restart();
    while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    Figures figures = done.get();
    sender.stop();
    io.run_for(std::chrono::milliseconds(100));

    state.SetIterationTime(figures.total_seconds);
    state.counters["messages"] = messages;
    state.counters["events_per_s"] = messages / figures.total_seconds;
    state.counters["local_events_per_s"] = messages / figures.local_seconds;
    state.counters["lag_s"] = figures.total_seconds - figures.local_seconds;
    state.counters["pdus_per_txn"] =
        a_transport.transactions ? double(a_transport.pdus) / a_transport.transactions : 0;
    std::fprintf(
        stderr,
        "%d messages from %d senders: %.0f events/s end to end (%.2f s), A alone %.0f "
        "events/s (%.2f s), %lld transactions (%.1f PDUs each)\n",
        messages, sender_count, messages / figures.total_seconds, figures.total_seconds,
        messages / figures.local_seconds, figures.local_seconds,
        static_cast<long long>(a_transport.transactions),
        a_transport.transactions ? double(a_transport.pdus) / a_transport.transactions : 0);
  }
}

BENCHMARK(BM_FederationThroughput)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
