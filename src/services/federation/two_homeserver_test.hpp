#pragma once

// Test support (included by *_test.cpp only): the fixture the federation tests share — two real
// homeservers in one process, each reaching the other through a LoopbackTransport, and a way to
// run their coroutines to completion.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <string>

#include "services/federation/federation_test_server.hpp"

namespace myelin::services::testing {

class TwoHomeserverTest : public ::testing::Test {
 protected:
  explicit TwoHomeserverTest(const std::string& resident = "resident.test",
                             const std::string& joiner = "joiner.test")
      : resident_(resident, keys_),
        joiner_(joiner, keys_),
        resident_transport_(resident, servers_),
        joiner_transport_(joiner, servers_) {
    servers_[resident] = &resident_;
    servers_[joiner] = &joiner_;
    resident_.membership().set_transport(&resident_transport_);
    joiner_.membership().set_transport(&joiner_transport_);
  }

  // Runs `work` (and whatever it started) until the io_context is idle; returns its result or
  // rethrows what it threw.
  template <typename T>
  T run(boost::asio::awaitable<T> work) {
    auto done = boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }

  std::string create_room(FederationTestServer& server, const std::string& creator,
                          const std::string& version, const std::string& preset) {
    CreateRoomRequest request;
    request.creator = creator;
    request.room_version = version;
    request.preset = preset;
    return run(server.rooms().create_room(std::move(request)));
  }

  boost::asio::io_context io_;
  FixedServerKeys keys_;
  std::map<std::string, FederationTestServer*> servers_;
  FederationTestServer resident_;
  FederationTestServer joiner_;
  LoopbackTransport resident_transport_;
  LoopbackTransport joiner_transport_;
};

}  // namespace myelin::services::testing
