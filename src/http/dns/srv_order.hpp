#pragma once

#include <random>
#include <vector>

#include "http/dns/dns_answer.hpp"

namespace myelin::http::dns {

// The order in which to try SRV targets (RFC 2782, "Usage rules"): lowest priority first;
// within one priority a weighted random draw, so that weight 0 records come last but are still
// tried, and heavier targets get proportionally more traffic.
std::vector<SrvRecord> srv_order(std::vector<SrvRecord> records, std::mt19937& random);
// The same with a per-thread generator seeded from std::random_device.
std::vector<SrvRecord> srv_order(std::vector<SrvRecord> records);

}  // namespace myelin::http::dns
