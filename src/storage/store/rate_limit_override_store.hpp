#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// An admin's rate limit for one user, replacing rc_message's (Synapse Admin API "Override
// ratelimiting for users"). messages_per_second 0: not rate limited at all.
struct RateLimitOverride {
  std::int64_t messages_per_second = 0;
  std::int64_t burst_count = 0;
};

// The overrides, one per user. Every call blocks: run on a worker pool.
class RateLimitOverrideStore {
 public:
  explicit RateLimitOverrideStore(sql::Database& db) : db_(db) {}

  std::optional<RateLimitOverride> get(const std::string& user_id);
  // Sets or replaces the user's override.
  void set(const std::string& user_id, const RateLimitOverride& limit);
  // False when the user had none.
  bool remove(const std::string& user_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
