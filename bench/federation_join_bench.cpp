// A remote join of a large room (issue 5): server B's user joins, through server A, a room A holds
// with MYELIN_BENCH_JOIN_MEMBERS joined members (default 10,000) and MYELIN_BENCH_JOIN_STATE
// state events in all (default 50,000). Both are real homeservers in one process (the services'
// test support): B runs FederatedMembership::join — make_join and send_join answered by A's
// handlers, every event of the answer checked (signatures and hashes on B's CPU pool), the auth
// chain and the state stored and the room adopted. The answer crosses a simulated wire: it is
// serialised to JSON text and parsed again, as HTTP would.
//
// Phases (printed per run and as counters, seconds):
//   send_join — A's handler: the join accepted, the state and auth chain gathered;
//   wire      — the answer serialised and parsed;
//   checks    — B's signature and hash checks, until the last signature was verified;
//   persist   — B's auth checks of the state and its writes (store_outliers, adopt_remote_room).
// Each phase's process CPU time is printed beside its wall time, with the load average: on a
// shared machine the wall time says how long a phase waited. Only the checks run on several
// threads (B's CPU pool); the other phases are serial. A smoke run for CI takes well under a
// second: MYELIN_BENCH_JOIN_MEMBERS=200 MYELIN_BENCH_JOIN_STATE=1000.
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "bench/federation_bench_room.hpp"

namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using myelin::bench::BenchRoom;
using myelin::bench::env_int;
using myelin::bench::run_on;
using myelin::bench::seconds_since;
using myelin::services::FederationTransport;
using myelin::services::KeyRequest;
using myelin::services::ServerKeys;
using myelin::services::testing::FederationTestServer;
using myelin::services::testing::FixedServerKeys;
using myelin::services::testing::LoopbackTransport;
using Clock = std::chrono::steady_clock;

// The 1-minute load average: benches on a shared machine report what they competed with.
double load_average() {
  double load = 0;
  return getloadavg(&load, 1) == 1 ? load : -1;
}

// CPU time of the whole process (every thread), in seconds: on a shared machine the wall time
// of a phase says how long it waited, its CPU time how much work it was.
double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// The loopback transport with a wire in between: each answer is serialised and parsed, and the
// time of the send_join request (A's handler) and of its wire crossing is recorded.
class WireTransport : public FederationTransport {
 public:
  explicit WireTransport(LoopbackTransport& inner) : inner_(inner) {}

  asio::awaitable<bj::value> request(std::string destination, std::string method, std::string path,
                                     std::optional<bj::value> body) override {
    const bool send_join = path.find("/send_join/") != std::string::npos;
    const auto start = Clock::now();
    const double cpu_start = process_cpu_seconds();
    bj::value answer = co_await inner_.request(std::move(destination), std::move(method),
                                               std::move(path), std::move(body));
    const auto handled = Clock::now();
    const double cpu_handled = process_cpu_seconds();
    const std::string text = bj::serialize(answer);
    bj::value parsed = bj::parse(text);
    if (send_join) {
      send_join_seconds = std::chrono::duration<double>(handled - start).count();
      wire_seconds = seconds_since(handled);
      answer_bytes = text.size();
      answered = Clock::now();
      send_join_cpu = cpu_handled - cpu_start;
      answered_cpu = process_cpu_seconds();
      wire_cpu = answered_cpu - cpu_handled;
    }
    co_return parsed;
  }
  asio::awaitable<bj::value> request_unsigned(std::string destination, std::string method,
                                              std::string path,
                                              std::optional<bj::value> body) override {
    return inner_.request_unsigned(std::move(destination), std::move(method), std::move(path),
                                   std::move(body));
  }

  double send_join_seconds = 0;
  double wire_seconds = 0;
  std::size_t answer_bytes = 0;
  Clock::time_point answered;
  double send_join_cpu = 0;
  double wire_cpu = 0;
  double answered_cpu = 0;  // process CPU seconds when the answer was parsed

 private:
  LoopbackTransport& inner_;
};

// The joining server's keys, counting lookups: each is one signature about to be verified, and
// the last one marks the end of the checks.
class CountingKeys : public ServerKeys {
 public:
  explicit CountingKeys(ServerKeys& inner) : inner_(inner) {}
  asio::awaitable<void> prefetch(std::vector<KeyRequest> requests) override {
    return inner_.prefetch(std::move(requests));
  }
  std::optional<std::string> cached_key(std::string_view server, std::string_view key_id,
                                        std::int64_t valid_at) const override {
    lookups.fetch_add(1, std::memory_order_relaxed);
    const std::int64_t now = Clock::now().time_since_epoch().count();
    std::int64_t seen = last.load(std::memory_order_relaxed);
    while (seen < now && !last.compare_exchange_weak(seen, now)) {
    }
    const double cpu = process_cpu_seconds();
    double cpu_seen = last_cpu.load(std::memory_order_relaxed);
    while (cpu_seen < cpu && !last_cpu.compare_exchange_weak(cpu_seen, cpu)) {
    }
    return inner_.cached_key(server, key_id, valid_at);
  }
  mutable std::atomic<std::int64_t> lookups = 0;
  mutable std::atomic<std::int64_t> last = 0;  // steady_clock ticks
  mutable std::atomic<double> last_cpu = 0;    // process CPU seconds

 private:
  ServerKeys& inner_;
};

// Server A and its room, built once for every run.
struct Resident {
  Resident()
      : server("resident.test", keys),
        room(myelin::bench::build_bench_room(server, io,
                                             env_int("MYELIN_BENCH_JOIN_MEMBERS", 10000),
                                             env_int("MYELIN_BENCH_JOIN_STATE", 50000))) {
    servers["resident.test"] = &server;
    std::fprintf(stderr, "resident room: %d members, %d state events, built in %.1f s\n",
                 room.members, room.state_events, room.build_seconds);
  }
  asio::io_context io;
  FixedServerKeys keys;
  std::map<std::string, FederationTestServer*> servers;
  FederationTestServer server;
  BenchRoom room;
};

void BM_RemoteJoinOfLargeRoom(benchmark::State& state) {
  static Resident resident;
  static int joiners = 0;  // every run's user is new to A, across repetitions too
  int run = 0;
  double accept_ms = 0;
  double total = 0, cpu = 0, send_join = 0, wire = 0, checks = 0, persist = 0;
  std::int64_t verifications = 0;
  std::size_t events = 0, bytes = 0;
  for (auto _ : state) {
    auto joiner = std::make_unique<FederationTestServer>("joiner.test", resident.keys);
    resident.servers["joiner.test"] = joiner.get();
    LoopbackTransport loopback("joiner.test", resident.servers);
    WireTransport wire_transport(loopback);
    CountingKeys keys(resident.keys);
    joiner->membership().set_transport(&wire_transport);
    joiner->membership().set_server_keys(&keys);
    const std::string user = joiner->register_user("joiner" + std::to_string(joiners++));
    ++run;

    const auto start = Clock::now();
    const double cpu_start = process_cpu_seconds();
    run_on(resident.io, joiner->membership().ours.join(resident.room.room_id, user,
                                                       {"resident.test"}, std::nullopt));
    const double seconds = seconds_since(start);
    const double cpu_total = process_cpu_seconds() - cpu_start;
    state.SetIterationTime(seconds);
    const double checks_cpu = keys.last_cpu.load() - wire_transport.answered_cpu;
    const double persist_cpu =
        cpu_total - checks_cpu - wire_transport.send_join_cpu - wire_transport.wire_cpu;

    const Clock::time_point checked{Clock::duration(keys.last.load())};
    const double run_checks =
        std::chrono::duration<double>(checked - wire_transport.answered).count();
    auto held = run_on(resident.io, joiner->rooms().room(resident.room.room_id));
    const std::size_t held_state = held ? held->state->size() : 0;
    if (held_state < static_cast<std::size_t>(resident.room.state_events)) {
      state.SkipWithError("the joining server does not hold the room's state");
      break;
    }
    total += seconds;
    send_join += wire_transport.send_join_seconds;
    wire += wire_transport.wire_seconds;
    checks += run_checks;
    persist +=
        seconds - run_checks - wire_transport.send_join_seconds - wire_transport.wire_seconds;
    verifications += keys.lookups.load();
    events += held_state;
    bytes = wire_transport.answer_bytes;
    cpu += cpu_total;
    std::fprintf(
        stderr,
        "join: %.2f s (send_join on A %.2f, wire %.2f, checks on B %.2f, persist on B "
        "%.2f), %zu state events, %lld signatures, %.1f MB answer\n",
        seconds, wire_transport.send_join_seconds, wire_transport.wire_seconds, run_checks,
        seconds - run_checks - wire_transport.send_join_seconds - wire_transport.wire_seconds,
        held_state, static_cast<long long>(keys.lookups.load()), bytes / 1e6);
    std::fprintf(stderr,
                 "      CPU %.2f s (send_join on A %.2f, wire %.2f, checks on B %.2f, persist on B "
                 "%.2f); load average %.1f\n",
                 cpu_total, wire_transport.send_join_cpu, wire_transport.wire_cpu, checks_cpu,
                 persist_cpu, load_average());

    // What the joined room costs afterwards: messages A's creator sends, accepted by B as its
    // receiver would (accept_remote_event: the auth rules, the state before, soft-failure).
    constexpr int kMessages = 5;
    double accept_seconds = 0;
    for (int i = 0; i < kMessages; ++i) {
      myelin::services::EventDraft draft{resident.room.creator, "m.room.message", std::nullopt,
                                         bj::object{{"msgtype", "m.text"}, {"body", "hello"}},
                                         std::nullopt};
      auto sent = run_on(resident.io, resident.server.rooms().send_event(resident.room.room_id,
                                                                         std::move(draft), {}));
      auto record = resident.server.store().events.event(sent.event_id);
      auto pdu = std::make_shared<const myelin::events::Pdu>(myelin::events::Pdu::from_trusted(
          bj::parse(record->pdu_json).as_object(), *held->version, sent.event_id));
      const auto accept_start = Clock::now();
      auto outcome = run_on(resident.io, joiner->rooms().accept_remote_event(pdu));
      accept_seconds += seconds_since(accept_start);
      if (outcome.kind != myelin::services::RemoteEventOutcome::Kind::kAccepted) {
        state.SkipWithError(("B refused a message: " + outcome.reason).c_str());
        break;
      }
    }
    accept_ms += accept_seconds / kMessages * 1e3;
    std::fprintf(stderr, "      then B accepts a message of the room in %.1f ms\n",
                 accept_seconds / kMessages * 1e3);

    // The joiner's store and files go outside the timing; A forgets nothing (each run's user
    // is new).
    resident.servers.erase("joiner.test");
    joiner.reset();
  }
  const double runs = std::max(1, run);
  state.counters["members"] = resident.room.members;
  state.counters["state_events"] = resident.room.state_events;
  state.counters["cpu_s"] = cpu / runs;
  state.counters["send_join_s"] = send_join / runs;
  state.counters["wire_s"] = wire / runs;
  state.counters["checks_s"] = checks / runs;
  state.counters["persist_s"] = persist / runs;
  state.counters["events_per_s"] = total > 0 ? events / total : 0;
  state.counters["verifications_per_s"] = checks > 0 ? verifications / checks : 0;
  state.counters["answer_MB"] = bytes / 1e6;
  state.counters["message_accept_ms"] = accept_ms / runs;
}

BENCHMARK(BM_RemoteJoinOfLargeRoom)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
