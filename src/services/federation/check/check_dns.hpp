#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace myelin::services::federation_check {

struct SrvRecord {
  std::string target;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

// A DNS answer: records, or none (the name or record type does not exist: `error` empty), or a
// failure to get an answer (`error` says why: time-out, refused, server failure).
template <typename Record>
struct DnsAnswer {
  std::vector<Record> records;
  std::string error;
};

// The lookups discovery makes, blocking: the checker is a command-line tool that walks the steps
// one after the other and prints each.
class CheckDns {
 public:
  virtual ~CheckDns() = default;
  // SRV records of e.g. "_matrix-fed._tcp.example.org", lowest priority first.
  virtual DnsAnswer<SrvRecord> srv(const std::string& name) = 0;
  // AAAA then A addresses of a host, as text ("::1", "127.0.0.1").
  virtual DnsAnswer<std::string> addresses(const std::string& host) = 0;
};

// Through c-ares, asking `servers` ("ip:port" or "ip"; empty: the system's resolv.conf).
// Throws std::runtime_error when the resolver cannot be set up (a malformed server address).
std::unique_ptr<CheckDns> make_check_dns(const std::vector<std::string>& servers,
                                         std::chrono::milliseconds timeout);

}  // namespace myelin::services::federation_check
