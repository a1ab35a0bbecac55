#include "bench/load/report.hpp"

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

}  // namespace myelin::loadgen
