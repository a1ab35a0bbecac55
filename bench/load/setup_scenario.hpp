#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "bench/load/matrix_user.hpp"
#include "bench/load/server_address.hpp"

namespace myelin::loadgen {

struct SetupOptions {
  std::size_t users = 100;
  std::size_t rooms = 10;
  std::size_t concurrency = 10;  // requests in flight while setting up
  std::string run_tag;           // makes this run's user names unique on a reused server
};

// The users and rooms the throughput and wake-up scenarios act on.
struct LoadWorld {
  std::vector<Account> users;  // user i is a member of rooms[i % rooms.size()]
  std::vector<std::string> rooms;
  Account probe_receiver;  // both members of probe_room, which nobody else uses
  Account probe_sender;
  std::string probe_room;
};

// Scenario 1: registers the users (open registration, m.login.dummy), creates the rooms
// (preset public_chat) and has every user join its room; prints how long that took.
boost::asio::awaitable<LoadWorld> run_setup(ServerAddress server, SetupOptions options);

}  // namespace myelin::loadgen
