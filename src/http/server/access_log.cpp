#include "http/server/access_log.hpp"

#include "base/log.hpp"

namespace myelin::http {

std::string redact_access_token(std::string_view target) {
  std::size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, question + 1));
  std::string_view query = target.substr(question + 1);
  bool first = true;
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == "access_token" && eq != std::string_view::npos) {
      out += "access_token=<redacted>";
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string format_access_line(const AccessLogEntry& entry) {
  double millis = std::chrono::duration<double, std::milli>(entry.duration).count();
  return fmt::format("{} {} \"{} {}\" {} {}B {:.1f}ms", entry.remote_address, entry.request_id,
                     entry.method, redact_access_token(entry.target), entry.status,
                     entry.response_bytes, millis);
}

void write_access_log(const AccessLogEntry& entry) {
  log::info("access", "{}", format_access_line(entry));
}

}  // namespace myelin::http
