#include "http/dns/dns_resolver.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "http/dns/srv_order.hpp"

namespace myelin::http::dns {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using AddressAnswer = DnsAnswer<asio::ip::address>;
using SrvAnswer = DnsAnswer<SrvRecord>;

namespace {

constexpr int kClassIn = 1;
constexpr int kTypeSrv = 33;

bool is_not_found(int status) { return status == ARES_ENOTFOUND || status == ARES_ENODATA; }

template <typename Record>
DnsAnswer<Record> failed(std::string why) {
  DnsAnswer<Record> out;
  out.status = DnsStatus::kFailed;
  out.error = std::move(why);
  return out;
}

template <typename Record>
DnsAnswer<Record> from_status(int status) {
  if (is_not_found(status)) return DnsAnswer<Record>{DnsStatus::kNotFound, {}, {}};
  return failed<Record>(ares_strerror(status));
}

AddressAnswer parse_addresses(int status, ares_addrinfo* result) {
  if (status != ARES_SUCCESS) return from_status<asio::ip::address>(status);
  AddressAnswer out;
  for (ares_addrinfo_node* node = result != nullptr ? result->nodes : nullptr; node != nullptr;
       node = node->ai_next) {
    asio::ip::address address;
    if (node->ai_family == AF_INET6) {
      asio::ip::address_v6::bytes_type bytes;
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
      std::copy_n(in6->sin6_addr.s6_addr, 16, bytes.begin());
      address = asio::ip::address_v6(bytes);
    } else if (node->ai_family == AF_INET) {
      const auto* in4 = reinterpret_cast<const sockaddr_in*>(node->ai_addr);
      address = asio::ip::address_v4(ntohl(in4->sin_addr.s_addr));
    } else {
      continue;
    }
    if (std::find(out.records.begin(), out.records.end(), address) == out.records.end()) {
      out.records.push_back(address);
    }
  }
  out.status = out.records.empty() ? DnsStatus::kNotFound : DnsStatus::kFound;
  return out;
}

SrvAnswer parse_srv(int status, const unsigned char* bytes, int length) {
  if (status != ARES_SUCCESS) return from_status<SrvRecord>(status);
  ares_srv_reply* replies = nullptr;
  const int parsed = ares_parse_srv_reply(bytes, length, &replies);
  if (parsed != ARES_SUCCESS) return from_status<SrvRecord>(parsed);
  SrvAnswer out;
  for (ares_srv_reply* r = replies; r != nullptr; r = r->next) {
    std::string target = r->host;
    if (!target.empty() && target.back() == '.') target.pop_back();
    out.records.push_back({std::move(target), r->port, r->priority, r->weight});
  }
  ares_free_data(replies);
  // RFC 2782: a lone "." target means the service is decidedly not available here.
  if (out.records.size() == 1 && out.records[0].target.empty()) out.records.clear();
  out.status = out.records.empty() ? DnsStatus::kNotFound : DnsStatus::kFound;
  return out;
}

// A lookup in flight. Lives in the worker's map until c-ares calls back (c-ares holds a raw
// pointer to it); `delivered` once the caller has its answer (possibly a time-out before that).
struct Job {
  DnsResolver::Worker* worker = nullptr;
  bool srv = false;
  std::string name;
  Clock::time_point deadline;
  bool delivered = false;
  std::function<void(AddressAnswer)> on_addresses;
  std::function<void(SrvAnswer)> on_srv;
};

// Posts `answer` to the handler's own executor, keeping that executor busy until then.
template <typename Answer, typename Handler>
std::function<void(Answer)> deliverer(Handler handler) {
  auto work = asio::make_work_guard(asio::get_associated_executor(handler));
  auto shared = std::make_shared<Handler>(std::move(handler));
  return [shared, work](Answer answer) mutable {
    auto executor = asio::get_associated_executor(*shared);
    asio::post(executor, [shared, answer = std::move(answer)]() mutable {
      std::move (*shared)(std::move(answer));
    });
    work.reset();
  };
}

}  // namespace

class DnsResolver::Worker {
 public:
  explicit Worker(const DnsResolverOptions& options) : timeout_(options.timeout) {
    static std::once_flag library;
    std::call_once(library, [] { ares_library_init(ARES_LIB_INIT_ALL); });
    ares_options settings{};
    // Two tries sharing the budget; our own deadline (below) bounds the whole lookup anyway.
    settings.timeout = std::max<int>(1, static_cast<int>(timeout_.count() / 3));
    settings.tries = 2;
    if (ares_init_options(&channel_, &settings, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) !=
        ARES_SUCCESS) {
      throw std::runtime_error("cannot initialise the DNS resolver");
    }
    if (!options.servers.empty()) {
      std::string csv;
      for (const std::string& server : options.servers) csv += (csv.empty() ? "" : ",") + server;
      if (ares_set_servers_ports_csv(channel_, csv.c_str()) != ARES_SUCCESS) {
        ares_destroy(channel_);
        throw std::invalid_argument("invalid DNS server list: " + csv);
      }
    }
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) {
      ares_destroy(channel_);
      throw std::runtime_error("cannot create the DNS resolver's eventfd");
    }
    thread_ = std::thread([this] { run(); });
  }

  ~Worker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake();
    thread_.join();
    // Calls back every pending lookup with ARES_EDESTRUCTION: they complete as failed.
    ares_destroy(channel_);
    for (auto& job : queued_) finish_failed(*job, "the DNS resolver shut down");
    close(wake_);
  }

  void submit(std::unique_ptr<Job> job) {
    job->worker = this;
    job->deadline = Clock::now() + timeout_;
    {
      std::lock_guard lock(mutex_);
      queued_.push_back(std::move(job));
    }
    wake();
  }

 private:
  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = write(wake_, &one, sizeof one);
  }

  void run() {
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        while (!queued_.empty()) {
          start(std::move(queued_.front()));
          queued_.pop_front();
        }
      }
      wait_and_process();
      expire();
    }
  }

  void start(std::unique_ptr<Job> owned) {
    Job* job = owned.get();
    active_.emplace(job, std::move(owned));
    asio::ip::address literal;
    boost::system::error_code not_literal;
    if (!job->srv) literal = asio::ip::make_address(job->name, not_literal);
    if (!job->srv && !not_literal) {
      finish(*job, AddressAnswer{DnsStatus::kFound, {literal}, {}});
      active_.erase(job);
    } else if (job->srv) {
      ares_query(channel_, job->name.c_str(), kClassIn, kTypeSrv, &Worker::on_srv, job);
    } else {
      ares_addrinfo_hints hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      ares_getaddrinfo(channel_, job->name.c_str(), nullptr, &hints, &Worker::on_addresses, job);
    }
  }

  // Sleeps until a c-ares socket is ready, a lookup times out or a new lookup arrives.
  void wait_and_process() {
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    const int mask = ares_getsock(channel_, sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds{{wake_, POLLIN, 0}};
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(mask, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(mask, i)) events |= POLLOUT;
      if (events != 0) fds.push_back({sockets[i], events, 0});
    }
    int wait_ms = -1;
    timeval max{};
    timeval* until = ares_timeout(channel_, nullptr, &max);
    if (until != nullptr) wait_ms = static_cast<int>(until->tv_sec * 1000 + until->tv_usec / 1000);
    for (const auto& [job, owned] : active_) {
      if (job->delivered) continue;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(job->deadline - Clock::now());
      const int left_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()) + 1);
      wait_ms = wait_ms < 0 ? left_ms : std::min(wait_ms, left_ms);
    }
    const int ready = poll(fds.data(), fds.size(), wait_ms);
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] auto read_bytes = read(wake_, &count, sizeof count);
    }
    bool processed = false;
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const bool readable = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (fds[i].revents & POLLOUT) != 0;
      ares_process_fd(channel_, readable ? fds[i].fd : ARES_SOCKET_BAD,
                      writable ? fds[i].fd : ARES_SOCKET_BAD);
      processed = true;
    }
    // Lets c-ares retry or time out queries whose sockets stayed silent.
    if (!processed) ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  }

  // Our own per-lookup deadline: c-ares' retries across several servers can add up past it.
  // The c-ares query keeps running; its late answer is dropped.
  void expire() {
    const auto now = Clock::now();
    for (auto& [job, owned] : active_) {
      if (!job->delivered && job->deadline <= now) finish_failed(*job, "DNS lookup timed out");
    }
  }

  static void finish(Job& job, AddressAnswer answer) {
    if (job.delivered) return;
    job.delivered = true;
    job.on_addresses(std::move(answer));
  }
  static void finish(Job& job, SrvAnswer answer) {
    if (job.delivered) return;
    job.delivered = true;
    job.on_srv(std::move(answer));
  }
  static void finish_failed(Job& job, const std::string& why) {
    if (job.srv) {
      finish(job, failed<SrvRecord>(why));
    } else {
      finish(job, failed<asio::ip::address>(why));
    }
  }

  // c-ares callbacks run inside ares_process_fd or ares_destroy, on this worker's thread.
  static void on_addresses(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
    auto* job = static_cast<Job*>(arg);
    finish(*job, parse_addresses(status, result));
    if (result != nullptr) ares_freeaddrinfo(result);
    job->worker->active_.erase(job);
  }
  static void on_srv(void* arg, int status, int /*timeouts*/, unsigned char* bytes, int length) {
    auto* job = static_cast<Job*>(arg);
    SrvAnswer answer = parse_srv(status, bytes, length);
    if (answer.status == DnsStatus::kFound) answer.records = srv_order(std::move(answer.records));
    finish(*job, std::move(answer));
    job->worker->active_.erase(job);
  }

  std::chrono::milliseconds timeout_;
  ares_channel channel_ = nullptr;
  int wake_ = -1;
  std::mutex mutex_;
  bool stopping_ = false;                    // guarded by mutex_
  std::deque<std::unique_ptr<Job>> queued_;  // guarded by mutex_
  // The worker thread only (and the destructor, once the thread has ended).
  std::map<Job*, std::unique_ptr<Job>> active_;
  std::thread thread_;
};

DnsResolver::DnsResolver(DnsResolverOptions options) : worker_(std::make_unique<Worker>(options)) {}

DnsResolver::~DnsResolver() = default;

asio::awaitable<AddressAnswer> DnsResolver::addresses(std::string host) {
  auto initiate = [this, host](auto handler) {
    auto job = std::make_unique<Job>();
    job->name = host;
    job->on_addresses = deliverer<AddressAnswer>(std::move(handler));
    worker_->submit(std::move(job));
  };
  AddressAnswer answer =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(AddressAnswer)>(
          initiate, asio::use_awaitable);
  co_return answer;
}

asio::awaitable<SrvAnswer> DnsResolver::srv(std::string name) {
  auto initiate = [this, name](auto handler) {
    auto job = std::make_unique<Job>();
    job->srv = true;
    job->name = name;
    job->on_srv = deliverer<SrvAnswer>(std::move(handler));
    worker_->submit(std::move(job));
  };
  SrvAnswer answer = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(SrvAnswer)>(
      initiate, asio::use_awaitable);
  co_return answer;
}

}  // namespace myelin::http::dns
