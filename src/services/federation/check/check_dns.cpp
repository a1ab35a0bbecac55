// c-ares driven by a plain select() loop: the checker runs one lookup at a time and waits for it,
// so no event loop is needed.
#include "services/federation/check/check_dns.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <sys/select.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace myelin::services::federation_check {
namespace {

constexpr int kClassIn = 1;
constexpr int kTypeA = 1;
constexpr int kTypeAaaa = 28;
constexpr int kTypeSrv = 33;
constexpr int kMaxAddresses = 16;

struct RawAnswer {
  bool done = false;
  int status = ARES_SUCCESS;
  std::string bytes;
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* answer = static_cast<RawAnswer*>(arg);
  answer->done = true;
  answer->status = status;
  if (status == ARES_SUCCESS && abuf != nullptr) {
    answer->bytes.assign(reinterpret_cast<const char*>(abuf), static_cast<std::size_t>(alen));
  }
}

// "No such name" and "no records of this type" are answers, not failures.
bool is_empty_answer(int status) { return status == ARES_ENOTFOUND || status == ARES_ENODATA; }

class CaresDns final : public CheckDns {
 public:
  CaresDns(const std::vector<std::string>& servers, std::chrono::milliseconds timeout) {
    static std::once_flag library;
    std::call_once(library, [] { ares_library_init(ARES_LIB_INIT_ALL); });
    ares_options options{};
    options.timeout = static_cast<int>(timeout.count());
    options.tries = 2;
    if (ares_init_options(&channel_, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) !=
        ARES_SUCCESS) {
      throw std::runtime_error("cannot initialise the DNS resolver");
    }
    if (!servers.empty()) {
      std::string csv;
      for (const std::string& server : servers) csv += (csv.empty() ? "" : ",") + server;
      if (ares_set_servers_ports_csv(channel_, csv.c_str()) != ARES_SUCCESS) {
        ares_destroy(channel_);
        throw std::runtime_error("invalid DNS server list: " + csv);
      }
    }
  }
  ~CaresDns() override { ares_destroy(channel_); }
  CaresDns(const CaresDns&) = delete;
  CaresDns& operator=(const CaresDns&) = delete;

  DnsAnswer<SrvRecord> srv(const std::string& name) override {
    DnsAnswer<SrvRecord> out;
    RawAnswer raw = query(name, kTypeSrv);
    if (raw.status != ARES_SUCCESS) {
      if (!is_empty_answer(raw.status)) out.error = ares_strerror(raw.status);
      return out;
    }
    ares_srv_reply* replies = nullptr;
    const int parsed =
        ares_parse_srv_reply(reinterpret_cast<const unsigned char*>(raw.bytes.data()),
                             static_cast<int>(raw.bytes.size()), &replies);
    if (parsed != ARES_SUCCESS) {
      if (!is_empty_answer(parsed)) out.error = ares_strerror(parsed);
      return out;
    }
    for (ares_srv_reply* r = replies; r != nullptr; r = r->next) {
      out.records.push_back({r->host, r->port, r->priority, r->weight});
    }
    ares_free_data(replies);
    // Lowest priority first, the heaviest first among equals (a fixed order: the checker walks
    // every target anyway).
    std::stable_sort(out.records.begin(), out.records.end(), [](const auto& a, const auto& b) {
      return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
    });
    return out;
  }

  DnsAnswer<std::string> addresses(const std::string& host) override {
    DnsAnswer<std::string> out;
    std::string errors;
    for (int type : {kTypeAaaa, kTypeA}) {
      RawAnswer raw = query(host, type);
      if (raw.status != ARES_SUCCESS) {
        const std::string error = ares_strerror(raw.status);
        if (!is_empty_answer(raw.status) && errors.find(error) == std::string::npos) {
          errors += (errors.empty() ? "" : "; ") + error;
        }
        continue;
      }
      const auto* bytes = reinterpret_cast<const unsigned char*>(raw.bytes.data());
      const int length = static_cast<int>(raw.bytes.size());
      char text[INET6_ADDRSTRLEN] = {};
      if (type == kTypeAaaa) {
        ares_addr6ttl found[kMaxAddresses];
        int count = kMaxAddresses;
        if (ares_parse_aaaa_reply(bytes, length, nullptr, found, &count) != ARES_SUCCESS) continue;
        for (int i = 0; i < count; ++i) {
          inet_ntop(AF_INET6, &found[i].ip6addr, text, sizeof text);
          out.records.emplace_back(text);
        }
      } else {
        ares_addrttl found[kMaxAddresses];
        int count = kMaxAddresses;
        if (ares_parse_a_reply(bytes, length, nullptr, found, &count) != ARES_SUCCESS) continue;
        for (int i = 0; i < count; ++i) {
          inet_ntop(AF_INET, &found[i].ipaddr, text, sizeof text);
          out.records.emplace_back(text);
        }
      }
    }
    if (out.records.empty()) out.error = errors;
    return out;
  }

 private:
  RawAnswer query(const std::string& name, int type) {
    RawAnswer answer;
    ares_query(channel_, name.c_str(), kClassIn, type, on_answer, &answer);
    while (!answer.done) {
      fd_set readers;
      fd_set writers;
      FD_ZERO(&readers);
      FD_ZERO(&writers);
      const int fds = ares_fds(channel_, &readers, &writers);
      if (fds == 0) break;
      timeval wait{};
      timeval* until = ares_timeout(channel_, nullptr, &wait);
      select(fds, &readers, &writers, nullptr, until);
      ares_process(channel_, &readers, &writers);
    }
    if (!answer.done) answer.status = ARES_ETIMEOUT;
    return answer;
  }

  ares_channel channel_ = nullptr;
};

}  // namespace

std::unique_ptr<CheckDns> make_check_dns(const std::vector<std::string>& servers,
                                         std::chrono::milliseconds timeout) {
  return std::make_unique<CaresDns>(servers, timeout);
}

}  // namespace myelin::services::federation_check
