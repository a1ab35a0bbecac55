#include "app/register_user_command.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace myelin::app {
namespace {

struct CommandRun {
  int status = -1;
  std::string out;
  std::string err;
};

CommandRun run(const RegisterUserOptions& options, bool interactive = false,
               std::string input = "") {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  Console console{in, out, err, interactive, {}};
  console.read_secret = [&in, &out](const std::string& prompt) {
    out << prompt;
    std::string line;
    std::getline(in, line);
    return line;
  };
  CommandRun result;
  result.status = register_user(options, console);
  result.out = out.str();
  result.err = err.str();
  return result;
}

// A loopback port nobody listens on: bound, then closed again.
std::string closed_port_url() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return "http://127.0.0.1:" + std::to_string(port);
}

config::Config config_with(std::vector<config::Listener> listeners) {
  config::Config config;
  config.listeners = std::move(listeners);
  return config;
}

TEST(ClientUrlFromConfig, FirstClientListenerWildcardMeansLoopback) {
  config::Listener federation{
      .port = 8448, .bind_addresses = {"0.0.0.0"}, .resources = {"federation"}};
  config::Listener client{.port = 8008, .bind_addresses = {"0.0.0.0"}, .resources = {"client"}};
  EXPECT_EQ(*client_url_from_config(config_with({federation, client})), "http://127.0.0.1:8008");
  client.bind_addresses = {"::1", "127.0.0.1"};
  EXPECT_EQ(*client_url_from_config(config_with({client})), "http://[::1]:8008");
  client.bind_addresses = {"::"};
  client.tls = true;
  EXPECT_EQ(*client_url_from_config(config_with({client})), "https://[::1]:8008");
  client.port = 0;
  EXPECT_FALSE(client_url_from_config(config_with({client})).has_value());
  EXPECT_FALSE(client_url_from_config(config_with({federation})).has_value());
}

TEST(RegisterUser, ScriptedMissingValuesAreUsageErrors) {
  RegisterUserOptions options{.server_url = "http://127.0.0.1:1", .shared_secret = "s"};
  CommandRun no_user = run(options);
  EXPECT_EQ(no_user.status, 2);
  EXPECT_NE(no_user.err.find("no user name"), std::string::npos);

  options.user = "alice";
  CommandRun no_password = run(options);
  EXPECT_EQ(no_password.status, 2);
  EXPECT_NE(no_password.err.find("no password"), std::string::npos);

  RegisterUserOptions no_secret{.server_url = "http://127.0.0.1:1", .user = "a", .password = "p"};
  EXPECT_EQ(run(no_secret).status, 2);
  RegisterUserOptions no_url{.shared_secret = "s", .user = "a", .password = "p"};
  EXPECT_EQ(run(no_url).status, 2);
}

TEST(RegisterUser, ConflictingOptionsAreUsageErrors) {
  RegisterUserOptions both{.server_url = "http://127.0.0.1:1",
                           .shared_secret = "s",
                           .user = "a",
                           .password = "p",
                           .admin = true,
                           .no_admin = true};
  EXPECT_EQ(run(both).status, 2);
  RegisterUserOptions csv_and_user{.server_url = "http://127.0.0.1:1",
                                   .shared_secret = "s",
                                   .user = "a",
                                   .csv_path = "/nonexistent.csv"};
  EXPECT_EQ(run(csv_and_user).status, 2);
  RegisterUserOptions https{
      .server_url = "https://localhost:8448", .shared_secret = "s", .user = "a", .password = "p"};
  CommandRun refused = run(https);
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("https"), std::string::npos);
}

TEST(RegisterUser, InteractivePasswordMismatchStopsBeforeSending) {
  RegisterUserOptions options{.server_url = closed_port_url(), .shared_secret = "s"};
  CommandRun mismatch = run(options, true, "alice\nfirst\nsecond\n");
  EXPECT_EQ(mismatch.status, 1);
  EXPECT_NE(mismatch.out.find("New user localpart: "), std::string::npos);
  EXPECT_NE(mismatch.out.find("Confirm password: "), std::string::npos);
  EXPECT_NE(mismatch.err.find("Passwords do not match"), std::string::npos);
  EXPECT_EQ(mismatch.out.find("Sending"), std::string::npos);
}

TEST(RegisterUser, UnreachableServerIsAFailureNotAUsageError) {
  RegisterUserOptions options{.server_url = closed_port_url(),
                              .shared_secret = "s",
                              .user = "alice",
                              .password = "pw",
                              .no_admin = true};
  CommandRun result = run(options);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("cannot connect"), std::string::npos);
}

TEST(RegisterUser, BadCsvHeaderFailsTheWholeFile) {
  const auto path = std::filesystem::temp_directory_path() / "myelin_register_user_test.csv";
  std::ofstream(path) << "user,pass\nalice,pw\n";
  RegisterUserOptions options{
      .server_url = closed_port_url(), .shared_secret = "s", .csv_path = path.string()};
  CommandRun result = run(options);
  std::filesystem::remove(path);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("unknown column \"user\""), std::string::npos);
}

TEST(RegisterUser, CsvRowsThatCannotBeSentFailAlone) {
  const auto path = std::filesystem::temp_directory_path() / "myelin_register_user_rows.csv";
  std::ofstream(path) << "username,password,admin\nbob,,false\ncarol,pw,perhaps\n";
  RegisterUserOptions options{
      .server_url = closed_port_url(), .shared_secret = "s", .csv_path = path.string()};
  CommandRun result = run(options);
  std::filesystem::remove(path);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.out.find("line 2: bob: failed: password is empty"), std::string::npos);
  EXPECT_NE(result.out.find("line 3: carol: failed: admin must be true or false"),
            std::string::npos);
  EXPECT_NE(result.out.find("0 created, 2 failed"), std::string::npos);
}

}  // namespace
}  // namespace myelin::app
