#include "app/serve_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>
#include <thread>
#include <vector>

#include "app/homeserver.hpp"
#include "base/log.hpp"
#include "config/config_loader.hpp"

namespace myelin::app {

namespace asio = boost::asio;

int serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  config::LoadResult loaded = config::load_config_file(options.config_path);
  if (!loaded.config) {
    err << config::format_errors(options.config_path, loaded.errors);
    err << "myelin: not starting: fix the configuration above\n";
    return 1;
  }
  const config::Config& config = *loaded.config;
  const std::string& level = config.log_level;
  log::set_level(level == "debug"     ? log::Level::kDebug
                 : level == "warning" ? log::Level::kWarn
                 : level == "error"   ? log::Level::kError
                                      : log::Level::kInfo);

  asio::io_context io(static_cast<int>(config.worker_threads));
  std::unique_ptr<Homeserver> homeserver;
  try {
    homeserver = std::make_unique<Homeserver>(config, io);
    homeserver->start();
  } catch (const std::exception& e) {
    err << "myelin: not starting: " << e.what() << "\n";
    return 1;
  }
  for (const std::string& url : homeserver->listening_urls()) {
    out << "myelin: serving " << url << "\n";
  }
  out.flush();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    log::info("server", "signal {}: finishing requests in flight, then stopping", signal);
    homeserver->stop([&io] { io.stop(); });
  });

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < config.worker_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& thread : threads) thread.join();
  homeserver.reset();  // closes the database cleanly
  log::info("server", "stopped");
  return 0;
}

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", "Run the homeserver");
  command->add_option("--config,-c", options->config_path, "The configuration file")->required();
  command->callback([options, &exit_code] { exit_code = serve(*options, std::cout, std::cerr); });
}

}  // namespace myelin::app
