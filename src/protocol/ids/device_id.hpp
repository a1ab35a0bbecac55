#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::ids {

// 512 bytes. The spec leaves device IDs opaque and sets no limit; Synapse refuses a /login
// device_id longer than 512 characters, so every device ID a client can have got from Synapse
// (they are ASCII in practice) is accepted here too, while keys, URL paths and log lines built
// from them stay bounded.
inline constexpr std::size_t kMaxDeviceIdBytes = 512;

// Device IDs are opaque strings chosen by clients or the server: non-empty, at most
// kMaxDeviceIdBytes, well-formed UTF-8 and free of control characters (C0, DEL, C1), since they
// end up in logs, URLs and headers. Spaces and other printable characters are allowed.
Expected<Ok> check_device_id(std::string_view device_id);

// A device ID that passed check_device_id.
class DeviceId {
 public:
  static Expected<DeviceId> parse(std::string_view text);

  const std::string& to_string() const { return text_; }
  bool operator==(const DeviceId& other) const { return text_ == other.text_; }

 private:
  explicit DeviceId(std::string text) : text_(std::move(text)) {}

  std::string text_;
};

}  // namespace myelin::ids
