#include "http/dns/srv_order.hpp"

#include <algorithm>
#include <cstdint>

namespace myelin::http::dns {

std::vector<SrvRecord> srv_order(std::vector<SrvRecord> records, std::mt19937& random) {
  std::stable_sort(records.begin(), records.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
  std::vector<SrvRecord> out;
  out.reserve(records.size());
  auto group = records.begin();
  while (group != records.end()) {
    auto end = std::find_if(group, records.end(),
                            [&](const SrvRecord& r) { return r.priority != group->priority; });
    std::vector<SrvRecord> pool(group, end);
    // RFC 2782: zero-weight records first in the running sum, so they have a tiny chance when
    // others exist.
    std::stable_partition(pool.begin(), pool.end(),
                          [](const SrvRecord& r) { return r.weight == 0; });
    while (!pool.empty()) {
      std::uint32_t total = 0;
      for (const SrvRecord& r : pool) total += r.weight;
      std::uniform_int_distribution<std::uint32_t> draw(0, total);
      const std::uint32_t pick = draw(random);
      std::uint32_t sum = 0;
      auto chosen = pool.begin();
      for (auto it = pool.begin(); it != pool.end(); ++it) {
        sum += it->weight;
        if (sum >= pick) {
          chosen = it;
          break;
        }
      }
      out.push_back(std::move(*chosen));
      pool.erase(chosen);
    }
    group = end;
  }
  return out;
}

std::vector<SrvRecord> srv_order(std::vector<SrvRecord> records) {
  thread_local std::mt19937 random{std::random_device{}()};
  return srv_order(std::move(records), random);
}

}  // namespace myelin::http::dns
