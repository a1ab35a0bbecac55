#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace myelin::loadgen {

// Prints one figure as a plain text line, "label: value", with the goal beside it when
// there is one: "messages/s: 5123  (goal >= 5000)". Flushed, so a pipe sees it at once.
void print_figure(std::string_view label, double value, int decimals, std::string_view goal = {});
// "label: text", for what is not a number (errors, notes).
void print_note(std::string_view label, std::string_view text);

// A field of /proc/PID/status in kB (e.g. "VmRSS", "VmHWM"); nullopt when unreadable.
std::optional<long> read_proc_status_kb(int pid, std::string_view field);

// CPU time (user + system) a process has used so far, in seconds, from /proc/PID/stat;
// nullopt when unreadable. For this process, pass getpid().
std::optional<double> process_cpu_seconds(int pid);

}  // namespace myelin::loadgen
