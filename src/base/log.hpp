#pragma once

#include <spdlog/fmt/fmt.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace myelin::log {

// A thin facade over spdlog so the rest of the code names a component and a message, never a
// logger object: "[http] GET-12 failed: ...". Lines are one per event, key=value where useful.
enum class Level { kDebug, kInfo, kWarn, kError };

void set_level(Level level);
bool enabled(Level level);

// Writes one line for `component` (e.g. "http", "access").
void write(Level level, std::string_view component, std::string_view message);

// Replaces the output (tests assert on lines; pass nullptr to restore spdlog). Set it before
// any thread logs: the sink itself is not guarded.
using Sink = std::function<void(Level, std::string_view component, std::string_view message)>;
void set_sink(Sink sink);

template <typename... Args>
void debug(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kDebug)) {
    write(Level::kDebug, component, fmt::format(format, std::forward<Args>(args)...));
  }
}

template <typename... Args>
void info(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kInfo)) {
    write(Level::kInfo, component, fmt::format(format, std::forward<Args>(args)...));
  }
}

template <typename... Args>
void warn(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kWarn)) {
    write(Level::kWarn, component, fmt::format(format, std::forward<Args>(args)...));
  }
}

template <typename... Args>
void error(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kError)) {
    write(Level::kError, component, fmt::format(format, std::forward<Args>(args)...));
  }
}

}  // namespace myelin::log
