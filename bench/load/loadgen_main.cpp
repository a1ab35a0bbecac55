// myelin_loadgen: drives a running homeserver through its Client-Server API and prints figures
// (issue 3, item 7). Plain text, one figure a line, with the goals beside them.
//
//   myelin_loadgen --url http://127.0.0.1:8008 [--server-pid PID] [--duration 10] ...
//
// Every simulated user holds its own HTTP/1.1 keep-alive connection. The throughput load runs on
// one thread; the wake-up probe on another, so that the probe's timestamps do not wait behind
// a hundred senders' responses.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <future>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "bench/load/initial_sync_scenario.hpp"
#include "bench/load/report.hpp"
#include "bench/load/server_address.hpp"
#include "bench/load/setup_scenario.hpp"
#include "bench/load/throughput_scenario.hpp"
#include "bench/load/wakeup_scenario.hpp"

namespace {

namespace asio = boost::asio;
using namespace myelin::loadgen;

// Goals from issue 3 item 7 (2-core machine, load generator included, SQLite).
constexpr std::string_view kThroughputGoal = ">= 5000";
constexpr std::string_view kWakeupP99Goal = "< 20";

struct Options {
  std::string url;
  int server_pid = 0;
  std::size_t users = 100;
  std::size_t rooms = 10;
  std::size_t senders = 100;
  double duration_seconds = 10;
  std::size_t wakeup_samples = 1000;
  int settle_ms = 5;
  std::size_t initial_sync_rooms = 200;
  std::size_t initial_sync_messages = 3;
  std::size_t initial_sync_runs = 5;
  std::set<std::string> scenarios;
};

// Runs `work` on `io` (on this thread) until it finishes; returns its value or rethrows.
template <typename T>
T run_to_completion(asio::io_context& io, asio::awaitable<T> work) {
  std::future<T> result = asio::co_spawn(io, std::move(work), asio::use_future);
  io.restart();
  io.run();
  return result.get();
}

std::string make_run_tag() {
  std::random_device random;
  char tag[9];
  std::snprintf(tag, sizeof tag, "%08x", static_cast<unsigned>(random()));
  return tag;
}

// The server's resident memory now, and its peak so far (to see which scenario set it).
void print_rss(int pid, std::string_view when) {
  if (pid <= 0) return;
  if (const auto kb = read_proc_status_kb(pid, "VmRSS")) {
    print_figure("server VmRSS " + std::string(when) + " MB", static_cast<double>(*kb) / 1024, 1);
  }
  if (const auto kb = read_proc_status_kb(pid, "VmHWM")) {
    print_figure("server VmHWM " + std::string(when) + " MB", static_cast<double>(*kb) / 1024, 1);
  }
}

void print_throughput(std::string_view prefix, const ThroughputResult& result, bool with_goal) {
  const std::string p(prefix);
  print_figure(p + "messages/s", result.messages_per_second(), 0,
               with_goal ? kThroughputGoal : std::string_view{});
  print_figure(p + "messages sent", static_cast<double>(result.sent), 0);
  print_figure(p + "send latency p50 ms", result.latency.percentile_ms(50), 2);
  print_figure(p + "send latency p99 ms", result.latency.percentile_ms(99), 2);
  print_figure(p + "send failures", static_cast<double>(result.failed), 0);
  if (!result.first_error.empty()) print_note(p + "first send failure", result.first_error);
}

void print_wakeup(std::string_view prefix, const WakeupResult& result) {
  const std::string p(prefix);
  print_figure(p + "samples", static_cast<double>(result.latency.count()), 0);
  print_figure(p + "p50 ms", result.latency.percentile_ms(50), 2);
  print_figure(p + "p99 ms", result.latency.percentile_ms(99), 2, kWakeupP99Goal);
  print_figure(p + "max ms", result.latency.max_ms(), 2);
  print_figure(p + "missed", static_cast<double>(result.missed), 0);
  print_figure(p + "other wake-ups", static_cast<double>(result.other_wakeups), 0);
}

// CPU used by the server and by this load generator between construction and print(), as a
// share of one core: on a 2-core machine, the two together can reach 200%. The server's CPU time
// per message sent is the figure that other work on a shared machine disturbs least.
class CpuMeter {
 public:
  explicit CpuMeter(int server_pid)
      : server_pid_(server_pid),
        start_(std::chrono::steady_clock::now()),
        server_start_(server_pid > 0 ? process_cpu_seconds(server_pid) : std::nullopt),
        self_start_(process_cpu_seconds(getpid())) {}

  void print(std::string_view prefix, std::size_t messages) const {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (wall <= 0) return;
    const std::string p(prefix);
    if (server_start_) {
      if (const auto now = process_cpu_seconds(server_pid_)) {
        print_figure(p + "server CPU %", 100 * (*now - *server_start_) / wall, 0);
        if (messages > 0) {
          print_figure(p + "server CPU ms per message",
                       1000 * (*now - *server_start_) / static_cast<double>(messages), 3);
        }
      }
    }
    if (self_start_) {
      if (const auto now = process_cpu_seconds(getpid())) {
        print_figure(p + "load generator CPU %", 100 * (*now - *self_start_) / wall, 0);
      }
    }
  }

 private:
  int server_pid_;
  std::chrono::steady_clock::time_point start_;
  std::optional<double> server_start_;
  std::optional<double> self_start_;
};

WakeupOptions wakeup_options(const Options& options) {
  return WakeupOptions{.samples = options.wakeup_samples,
                       .settle = std::chrono::milliseconds(options.settle_ms)};
}

// The wake-up probe while `senders` senders load the other rooms, each scenario on its own
// thread and io_context.
void run_loaded_wakeup(const Options& options, const ServerAddress& server, const LoadWorld& world,
                       asio::io_context& probe_io) {
  std::atomic<bool> stop{false};
  asio::io_context load_io;
  std::future<ThroughputResult> load = asio::co_spawn(
      load_io, run_throughput(server, world, options.senders, LoadControl{.stop = &stop}),
      asio::use_future);
  const CpuMeter cpu(options.server_pid);
  std::thread load_thread([&load_io] { load_io.run(); });
  // Let the senders connect and reach a steady rate before the first sample.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::exception_ptr probe_error;
  std::optional<WakeupResult> probe;
  try {
    probe = run_to_completion(probe_io, run_wakeup(server, world.probe_receiver, world.probe_sender,
                                                   world.probe_room, wakeup_options(options)));
  } catch (...) {
    probe_error = std::current_exception();
  }
  stop = true;
  load_thread.join();
  const ThroughputResult loaded = load.get();
  print_throughput("wakeup under load: ", loaded, false);
  cpu.print("wakeup under load: ", loaded.sent);
  if (probe_error) std::rethrow_exception(probe_error);
  print_wakeup("wakeup under load ", *probe);
}

bool wants(const Options& options, const std::string& scenario) {
  return options.scenarios.empty() || options.scenarios.contains(scenario);
}

// Runs one scenario, printing "<name> failed: <why>" instead of stopping the others.
template <typename F>
bool attempt(std::string_view name, F&& scenario) {
  std::printf("== %.*s\n", static_cast<int>(name.size()), name.data());
  std::fflush(stdout);
  try {
    scenario();
    return true;
  } catch (const std::exception& e) {
    print_note(std::string(name) + " failed", e.what());
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Load generator for a Matrix homeserver's Client-Server API (prints figures)"};
  app.add_option("--url", options.url, "server base URL, http://HOST:PORT")->required();
  app.add_option("--server-pid", options.server_pid, "server PID, to report its VmRSS");
  app.add_option("--users", options.users, "load users (senders are the first ones)");
  app.add_option("--rooms", options.rooms, "rooms the load users are spread across");
  app.add_option("--senders", options.senders, "concurrent senders");
  app.add_option("--duration", options.duration_seconds, "throughput run, seconds");
  app.add_option("--wakeup-samples", options.wakeup_samples, "wake-up samples per run");
  app.add_option("--settle-ms", options.settle_ms,
                 "pause between the long-poll going out and the send");
  app.add_option("--initial-sync-rooms", options.initial_sync_rooms, "rooms of the sync user");
  app.add_option("--initial-sync-messages", options.initial_sync_messages, "messages per room");
  app.add_option("--initial-sync-runs", options.initial_sync_runs, "timed initial syncs");
  app.add_option("--scenario", options.scenarios,
                 "run only these: throughput, wakeup, wakeup-loaded, initial-sync "
                 "(setup runs when one needs it)");
  CLI11_PARSE(app, argc, argv);

  ServerAddress server;
  try {
    server = parse_server_url(options.url);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "myelin_loadgen: %s\n", e.what());
    return 2;
  }
  const std::string run_tag = make_run_tag();
  asio::io_context io;
  bool all_ok = true;

  std::optional<LoadWorld> world;
  if (wants(options, "throughput") || wants(options, "wakeup") || wants(options, "wakeup-loaded")) {
    all_ok &= attempt("setup", [&] {
      world = run_to_completion(
          io, run_setup(server, SetupOptions{.users = std::max(options.users, options.senders),
                                             .rooms = options.rooms,
                                             .run_tag = run_tag}));
      print_rss(options.server_pid, "after setup");
    });
  }
  if (world && wants(options, "throughput")) {
    all_ok &= attempt("throughput", [&] {
      const auto duration = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(options.duration_seconds));
      const LoadControl control{.deadline = std::chrono::steady_clock::now() + duration};
      const CpuMeter cpu(options.server_pid);
      const ThroughputResult result =
          run_to_completion(io, run_throughput(server, *world, options.senders, control));
      print_throughput("", result, true);
      cpu.print("", result.sent);
      print_rss(options.server_pid, "after throughput");
    });
  }
  if (world && wants(options, "wakeup")) {
    all_ok &= attempt("wakeup idle", [&] {
      print_wakeup(
          "wakeup idle ",
          run_to_completion(io, run_wakeup(server, world->probe_receiver, world->probe_sender,
                                           world->probe_room, wakeup_options(options))));
    });
  }
  if (world && wants(options, "wakeup-loaded")) {
    all_ok &= attempt("wakeup under load", [&] { run_loaded_wakeup(options, server, *world, io); });
  }
  if (wants(options, "initial-sync")) {
    all_ok &= attempt("initial sync", [&] {
      const InitialSyncResult result = run_to_completion(
          io, run_initial_sync(
                  server, InitialSyncOptions{.rooms = options.initial_sync_rooms,
                                             .messages_per_room = options.initial_sync_messages,
                                             .runs = options.initial_sync_runs,
                                             .run_tag = run_tag}));
      print_figure("initial sync rooms", static_cast<double>(result.rooms_in_response), 0);
      print_figure("initial sync median ms", result.median_ms, 1);
      print_figure("initial sync min ms", result.min_ms, 1);
      print_figure("initial sync max ms", result.max_ms, 1);
      print_figure("initial sync response KB", static_cast<double>(result.response_bytes) / 1024,
                   1);
      print_figure("initial sync setup s", result.setup_seconds, 1);
      print_rss(options.server_pid, "after initial sync");
    });
  }
  return all_ok ? 0 : 1;
}
