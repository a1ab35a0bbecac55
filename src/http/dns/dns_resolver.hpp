#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/dns/dns_answer.hpp"

namespace myelin::http::dns {

struct DnsResolverOptions {
  // Name servers as "ip", "ip:port" or "[ipv6]:port"; empty: the system's (/etc/resolv.conf).
  std::vector<std::string> servers;
  // The longest one lookup may take, every retry and server included; it then fails.
  std::chrono::milliseconds timeout{5'000};
};

// Asynchronous A/AAAA and SRV lookups through c-ares. Safe to share between coroutines and
// threads; a lookup suspends only the coroutine that asked.
//
// Why a thread of its own rather than c-ares sockets watched by Asio: a c-ares channel must not be
// used from two threads at once, and our io_context runs one thread per core, so Asio
// integration would need a strand plus careful hand-over of sockets that c-ares opens and closes
// by itself (it closes them while we might still be waiting on them). One small thread owns the
// channel outright — every c-ares call happens on it, it sleeps in poll() on c-ares' sockets and
// a wake-up eventfd — and answers are posted back to each caller's executor. DNS traffic of a
// homeserver is a few lookups per remote server, so one thread is ample, and no I/O thread ever
// blocks on DNS.
class DnsResolver {
 public:
  // Throws std::invalid_argument for a malformed server list, std::runtime_error when c-ares
  // cannot be set up.
  explicit DnsResolver(DnsResolverOptions options);
  ~DnsResolver();  // pending lookups complete as failed
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  // IPv6 and IPv4 addresses of `host` (AAAA and A; CNAMEs followed), the system's preferred
  // order (RFC 6724). An IP literal is answered as itself.
  boost::asio::awaitable<DnsAnswer<boost::asio::ip::address>> addresses(std::string host);

  // SRV records of `name` (e.g. "_matrix-fed._tcp.example.org") in the order to try them: by
  // priority, then randomly weighted within a priority (RFC 2782).
  boost::asio::awaitable<DnsAnswer<SrvRecord>> srv(std::string name);

  class Worker;  // the thread owning the c-ares channel (dns_resolver.cpp)

 private:
  std::unique_ptr<Worker> worker_;
};

}  // namespace myelin::http::dns
