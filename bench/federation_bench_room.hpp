#pragma once

// For the federation benches: a large room held by one of the test homeservers, built in
// seconds rather than through RoomService one event at a time (which copies the room's state
// map per state event and writes a full state snapshot every 50: quadratic at 50,000 events).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

#include "services/federation/federation_test_server.hpp"

namespace myelin::bench {

using services::testing::FederationTestServer;

struct BenchRoom {
  std::string room_id;
  std::string creator;
  int members = 0;       // joined, the creator included
  int state_events = 0;  // in the room's current state
  double build_seconds = 0;
};

// A public room (v10) on `server`: created by RoomService as a client's createRoom would, then
// `members - 1` more of the server's users join and the creator sets state events of type
// org.myelin.bench.state with distinct state keys until the state holds `state_events` events.
// Every added event is a real signed event with the prev_events and auth_events a server would
// give it (build_event) and passes the auth rules; they are written straight to the store in
// large transactions with their state groups (a delta per event, a full snapshot every
// `snapshot_every` and at the end), then the server's services are restarted so that they read
// the room back as a restarted homeserver would, and the creator sets the topic through
// RoomService (so the room's state deltas are known again, as on a server running a while).
BenchRoom build_bench_room(FederationTestServer& server, boost::asio::io_context& io, int members,
                           int state_events, int snapshot_every = 5000);

// Runs `work` to completion on `io` (which nothing else is running) and returns its result.
template <typename T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  auto done = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.restart();
  io.run();
  return done.get();
}

// An integer from the environment, or `fallback` (benches are sized by env so CI can run small).
inline int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace myelin::bench
