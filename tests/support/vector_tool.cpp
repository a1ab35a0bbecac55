// myelin_vector_tool: the bridge for differential tests. Reads one JSON request per line on stdin
// and writes one JSON answer per line on stdout, in order, so a Python test can push thousands of
// inputs through one process and compare each answer with a reference implementation.
//
// Answers are {"ok":true,...op-specific members} or {"ok":false,"error":"why"}.
#include <boost/json/serialize.hpp>
#include <iostream>
#include <string>

#include "protocol/json/parse.hpp"
#include "tests/support/vector_ops.hpp"

namespace {

boost::json::object answer_line(const std::string& line) {
  // Requests wrap the value under test, so they may nest a little deeper than the default.
  myelin::json::ParseLimits limits;
  limits.max_depth = 200;
  limits.max_bytes = 64 * 1024 * 1024;
  auto request = myelin::json::parse_object(line, limits);
  if (!request)
    return {{"ok", false}, {"error", "request is not a JSON object: " + request.error()}};
  auto result = myelin::testing::run_vector_op(*request);
  if (!result) return {{"ok", false}, {"error", result.error()}};
  boost::json::object out = std::move(*result);
  out["ok"] = true;
  return out;
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    out = boost::json::serialize(answer_line(line));
    out += '\n';
    std::cout << out;
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}
