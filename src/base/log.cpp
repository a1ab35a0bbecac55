#include "base/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace myelin::log {

namespace {

std::atomic<Level> g_level{Level::kInfo};

Sink& sink() {
  static Sink instance;
  return instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

}  // namespace

void set_level(Level level) {
  g_level.store(level, std::memory_order_relaxed);
  spdlog::set_level(to_spdlog(level));
}

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

// Logs go to stderr: stdout carries the server's start-up lines, which tools wait for.
spdlog::logger& stderr_logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto made = spdlog::stderr_color_mt("myelin");
    made->set_level(spdlog::level::trace);  // g_level filters first
    return made;
  }();
  return *logger;
}

void write(Level level, std::string_view component, std::string_view message) {
  if (sink()) {
    sink()(level, component, message);
    return;
  }
  stderr_logger().log(to_spdlog(level), "[{}] {}", component, message);
}

void set_sink(Sink new_sink) { sink() = std::move(new_sink); }

}  // namespace myelin::log
