#include "bench/load/setup_scenario.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <memory>

#include "bench/load/report.hpp"
#include "bench/load/run_all.hpp"

namespace myelin::loadgen {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kPassword = "myelin-loadgen-password";

asio::awaitable<void> register_into(ServerAddress server, std::string localpart, Account* account) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), Account{});
  std::string password(kPassword);
  co_await user.register_account(std::move(localpart), std::move(password));
  *account = user.account();
}

asio::awaitable<void> create_into(ServerAddress server, Account creator, std::string name,
                                  std::string* room_id) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), std::move(creator));
  boost::json::object request{{"preset", "public_chat"}, {"name", std::move(name)}};
  *room_id = co_await user.create_room(std::move(request));
}

asio::awaitable<void> join_room(ServerAddress server, Account account, std::string room_id) {
  auto executor = co_await asio::this_coro::executor;
  MatrixUser user(executor, std::move(server), std::move(account));
  co_await user.join(std::move(room_id));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

asio::awaitable<LoadWorld> run_setup(ServerAddress server, SetupOptions options) {
  auto world = std::make_shared<LoadWorld>();
  const std::size_t users = std::max<std::size_t>(options.users, 1);
  const std::size_t rooms = std::max<std::size_t>(options.rooms, 1);
  world->users.resize(users);
  world->rooms.resize(rooms);
  const auto start = std::chrono::steady_clock::now();

  // The load users, then the two wake-up probe users.
  IndexTask register_task = [world, server, tag = options.run_tag, users](std::size_t i) {
    Account* account = i < users    ? &world->users[i]
                       : i == users ? &world->probe_receiver
                                    : &world->probe_sender;
    std::string localpart = "lg" + tag + "_" +
                            (i < users    ? std::to_string(i)
                             : i == users ? std::string("probe_receiver")
                                          : std::string("probe_sender"));
    return register_into(server, std::move(localpart), account);
  };
  co_await for_each_index(users + 2, options.concurrency, register_task);
  const double register_seconds = seconds_since(start);
  print_figure("setup registrations/s", static_cast<double>(users + 2) / register_seconds, 1);

  IndexTask create_task = [world, server, tag = options.run_tag](std::size_t r) {
    const Account& creator = world->users[r % world->users.size()];
    return create_into(server, creator, "load room " + tag + " " + std::to_string(r),
                       &world->rooms[r]);
  };
  co_await for_each_index(rooms, options.concurrency, create_task);
  IndexTask create_probe_task = [world, server, tag = options.run_tag](std::size_t) {
    return create_into(server, world->probe_receiver, "wake-up probe " + tag, &world->probe_room);
  };
  co_await for_each_index(1, 1, create_probe_task);

  // Users below `rooms` created their room (rooms[i]) and are in it already; the others join
  // theirs, and the probe sender joins the probe room (the last index).
  const std::size_t joiners = users > rooms ? users - rooms : 0;
  IndexTask join_task = [world, server, rooms, joiners](std::size_t i) {
    if (i == joiners) return join_room(server, world->probe_sender, world->probe_room);
    const std::size_t user = rooms + i;
    return join_room(server, world->users[user], world->rooms[user % rooms]);
  };
  co_await for_each_index(joiners + 1, options.concurrency, join_task);

  print_figure("setup s", seconds_since(start), 2);
  co_return std::move(*world);
}

}  // namespace myelin::loadgen
