#pragma once

#include <string_view>

#include "base/expected.hpp"

namespace myelin::ids {

// 255 bytes: the spec leaves device IDs opaque; they appear in to-device and key APIs and in
// URL paths, so they get the same bound as every other identifier.
inline constexpr std::size_t kMaxDeviceIdBytes = 255;

// Device IDs are opaque strings chosen by clients or the server: non-empty, bounded, and free of
// control characters (they end up in logs, URLs and headers).
Expected<Ok> check_device_id(std::string_view device_id);

}  // namespace myelin::ids
