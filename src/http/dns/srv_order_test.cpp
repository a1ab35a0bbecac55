#include "http/dns/srv_order.hpp"

#include <gtest/gtest.h>

#include <map>

namespace myelin::http::dns {
namespace {

std::vector<std::string> targets(const std::vector<SrvRecord>& records) {
  std::vector<std::string> out;
  for (const SrvRecord& r : records) out.push_back(r.target);
  return out;
}

TEST(SrvOrder, LowestPriorityFirst) {
  std::mt19937 random(1);
  auto ordered = srv_order({{"c", 1, 30, 5}, {"a", 1, 10, 5}, {"b", 1, 20, 5}}, random);
  EXPECT_EQ(targets(ordered), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SrvOrder, HeavierTargetsComeFirstMoreOften) {
  std::mt19937 random(7);
  std::map<std::string, int> first;
  for (int i = 0; i < 2000; ++i) {
    auto ordered =
        srv_order({{"light", 1, 10, 10}, {"heavy", 1, 10, 90}, {"zero", 1, 10, 0}}, random);
    ASSERT_EQ(ordered.size(), 3u);
    ++first[ordered[0].target];
  }
  // Expected shares 90/100 and 10/100 (zero-weight: only on a draw of exactly 0).
  EXPECT_GT(first["heavy"], 1600);
  EXPECT_GT(first["light"], 100);
  EXPECT_LT(first["zero"], 60);
}

TEST(SrvOrder, KeepsEveryRecord) {
  std::mt19937 random(3);
  auto ordered = srv_order({{"a", 1, 0, 0}, {"b", 2, 0, 0}, {"c", 3, 1, 0}}, random);
  EXPECT_EQ(ordered.size(), 3u);
  EXPECT_EQ(ordered[2].target, "c");
}

}  // namespace
}  // namespace myelin::http::dns
