#pragma once

#include <string>
#include <vector>

namespace myelin::services::federation_check {

// What `myelin federation check` found, step by step, for the CLI to print. The checker decides;
// the command only renders.
enum class CheckStatus { kOk, kWarn, kFail, kInfo };

struct CheckLine {
  CheckStatus status = CheckStatus::kInfo;
  std::string text;
};

// One step of discovery (well-known, SRV, addresses, one TLS target...).
struct CheckSection {
  std::string title;
  std::vector<CheckLine> lines;

  void ok(std::string text) { lines.push_back({CheckStatus::kOk, std::move(text)}); }
  void warn(std::string text) { lines.push_back({CheckStatus::kWarn, std::move(text)}); }
  void fail(std::string text) { lines.push_back({CheckStatus::kFail, std::move(text)}); }
  void info(std::string text) { lines.push_back({CheckStatus::kInfo, std::move(text)}); }
};

struct CheckReport {
  std::string server_name;
  std::vector<CheckSection> sections;
  // Whether another server could federate with this one: some target passed every check.
  bool works = false;
  // One line per mistake found, saying what to change; empty when it works.
  std::vector<std::string> fixes;

  CheckSection& section(std::string title) {
    sections.push_back({std::move(title), {}});
    return sections.back();
  }
  void fix(const std::string& text) {
    for (const std::string& existing : fixes) {
      if (existing == text) return;
    }
    fixes.push_back(text);
  }
};

}  // namespace myelin::services::federation_check
