#include "bench/load/report.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace myelin::loadgen {

void print_figure(std::string_view label, double value, int decimals, std::string_view goal) {
  std::printf("%.*s: %.*f", static_cast<int>(label.size()), label.data(), decimals, value);
  if (!goal.empty()) std::printf("  (goal %.*s)", static_cast<int>(goal.size()), goal.data());
  std::printf("\n");
  std::fflush(stdout);
}

void print_note(std::string_view label, std::string_view text) {
  std::printf("%.*s: %.*s\n", static_cast<int>(label.size()), label.data(),
              static_cast<int>(text.size()), text.data());
  std::fflush(stdout);
}

std::optional<long> read_proc_status_kb(int pid, std::string_view field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    // "VmRSS:	   12345 kB"
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
        line[field.size()] == ':') {
      std::istringstream rest(line.substr(field.size() + 1));
      long kb = 0;
      if (rest >> kb) return kb;
    }
  }
  return std::nullopt;
}

std::optional<double> process_cpu_seconds(int pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return std::nullopt;
  // proc(5): "pid (comm) state ..." — comm may hold spaces, so count fields after the last ')'.
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  long utime = 0;
  long stime = 0;
  // After ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime(14) stime(15).
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14) utime = std::stol(field);
    if (index == 15) stime = std::stol(field);
  }
  const long ticks = sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks);
}

}  // namespace myelin::loadgen
