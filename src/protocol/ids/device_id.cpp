#include "protocol/ids/device_id.hpp"

#include <string>

namespace myelin::ids {

Expected<Ok> check_device_id(std::string_view device_id) {
  if (device_id.empty()) return fail("device ID is empty");
  if (device_id.size() > kMaxDeviceIdBytes) {
    return fail("device ID is longer than " + std::to_string(kMaxDeviceIdBytes) + " bytes");
  }
  for (char c : device_id) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return fail("device ID contains a control character");
  }
  return Ok{};
}

}  // namespace myelin::ids
