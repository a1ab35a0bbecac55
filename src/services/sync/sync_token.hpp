#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace myelin::services {

// A /sync `since` / `next_batch` token: the global stream position (events, account data,
// receipts, presence, to-device messages, device-list changes) and the typing serial (typing
// lives in memory only): "s12_3". When a device had more to-device messages waiting than one
// sync carries, a third part says how far they were delivered: "s12_3_9".
struct SyncToken {
  std::int64_t position = 0;
  std::uint64_t typing = 0;
  std::optional<std::int64_t> to_device;  // only when below `position`

  std::int64_t to_device_position() const { return to_device.value_or(position); }

  std::string to_string() const;
  // nullopt for anything we did not issue.
  static std::optional<SyncToken> parse(std::string_view text);
};

// /messages tokens: a stream position, "t<position>" (prev_batch / start / end / from / to).
std::string pagination_token(std::int64_t position);
std::optional<std::int64_t> parse_pagination_token(std::string_view text);

}  // namespace myelin::services
