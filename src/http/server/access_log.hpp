#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace myelin::http {

// What the access log records of one request.
struct AccessLogEntry {
  std::string remote_address;
  std::string request_id;
  std::string method;  // "-" when the request head could not be parsed
  std::string target;  // raw; redacted when formatted
  int status = 0;
  std::size_t response_bytes = 0;
  std::chrono::steady_clock::duration duration{};
};

// `target` with the value of every access_token query parameter replaced by "<redacted>":
// tokens must not end up in log files.
std::string redact_access_token(std::string_view target);

// 127.0.0.1:5555 GET-3 "GET /_matrix/client/v3/sync?access_token=<redacted>" 200 123B 4.2ms
std::string format_access_line(const AccessLogEntry& entry);

// Writes the line to the "access" log component.
void write_access_log(const AccessLogEntry& entry);

}  // namespace myelin::http
