#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace myelin::http::dns {

// How a lookup ended. "No such name" (NXDOMAIN) and "no records of this type" (NODATA) are
// answers — discovery moves on to its next step — while a failure (time-out, refused, server
// failure, malformed reply) means DNS could not tell us anything.
enum class DnsStatus {
  kFound,     // at least one record
  kNotFound,  // NXDOMAIN or no records of the type asked
  kFailed,    // no answer could be had; `error` says why
};

// One SRV record (RFC 2782).
struct SrvRecord {
  std::string target;  // without the trailing dot
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

template <typename Record>
struct DnsAnswer {
  DnsStatus status = DnsStatus::kFailed;
  std::vector<Record> records;
  std::string error;  // kFailed only: for logs
};

}  // namespace myelin::http::dns
