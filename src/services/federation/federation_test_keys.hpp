#pragma once

// Test support (included by *_test.cpp only): servers' verify keys known in advance.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "protocol/crypto/signing_key.hpp"
#include "services/federation/keys/server_keys.hpp"

namespace myelin::services::testing {

// Every test server's verify key, as a KeyRing would have fetched them.
class FixedServerKeys : public ServerKeys {
 public:
  void add(const std::string& server, const crypto::SigningKey& key) {
    keys_[{server, key.key_id()}] = key.public_key();
  }
  boost::asio::awaitable<void> prefetch(std::vector<KeyRequest>) override {
    ++prefetches;
    co_return;
  }
  std::optional<std::string> cached_key(std::string_view server, std::string_view key_id,
                                        std::int64_t) const override {
    auto it = keys_.find({std::string(server), std::string(key_id)});
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  int prefetches = 0;

 private:
  std::map<std::pair<std::string, std::string>, std::string> keys_;
};

}  // namespace myelin::services::testing
