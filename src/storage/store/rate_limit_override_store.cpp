#include "storage/store/rate_limit_override_store.hpp"

namespace myelin::storage {

using sql::Connection;

std::optional<RateLimitOverride> RateLimitOverrideStore::get(const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<RateLimitOverride> {
    auto row = c.query_optional(
        "SELECT messages_per_second, burst_count FROM ratelimit_override WHERE user_id = ?",
        {user_id});
    if (!row) return std::nullopt;
    return RateLimitOverride{row->int64(0), row->int64(1)};
  });
}

void RateLimitOverrideStore::set(const std::string& user_id, const RateLimitOverride& limit) {
  db_.write([&](Connection& c) {
    c.execute(
        "INSERT INTO ratelimit_override (user_id, messages_per_second, burst_count)"
        " VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
        " messages_per_second = excluded.messages_per_second, burst_count = excluded.burst_count",
        {user_id, limit.messages_per_second, limit.burst_count});
  });
}

bool RateLimitOverrideStore::remove(const std::string& user_id) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM ratelimit_override WHERE user_id = ?", {user_id}) == 1;
  });
}

}  // namespace myelin::storage
