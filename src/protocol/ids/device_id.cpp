#include "protocol/ids/device_id.hpp"

#include "protocol/ids/utf8.hpp"

namespace myelin::ids {

Expected<Ok> check_device_id(std::string_view device_id) {
  if (device_id.empty()) return fail("device ID is empty");
  if (device_id.size() > kMaxDeviceIdBytes) {
    return fail("device ID is longer than " + std::to_string(kMaxDeviceIdBytes) + " bytes");
  }
  if (!is_valid_utf8(device_id)) return fail("device ID is not UTF-8");
  if (has_control_character(device_id)) return fail("device ID contains a control character");
  return Ok{};
}

Expected<DeviceId> DeviceId::parse(std::string_view text) {
  if (auto ok = check_device_id(text); !ok) return Unexpected{ok.error()};
  return DeviceId(std::string(text));
}

}  // namespace myelin::ids
