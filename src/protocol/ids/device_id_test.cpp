#include "protocol/ids/device_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::ids {
namespace {

TEST(DeviceId, OpaquePrintableText) {
  EXPECT_TRUE(check_device_id("GHTYAJCE"));  // the spec's login.yaml example
  EXPECT_TRUE(check_device_id("my laptop \xc3\xa9"));
  EXPECT_TRUE(check_device_id("a:b/c?d#e"));
  EXPECT_TRUE(check_device_id("\xc2\xa0"));  // U+00A0 is printable
  auto device = DeviceId::parse("ABCDEFGHIJ");
  ASSERT_TRUE(device);
  EXPECT_EQ(device->to_string(), "ABCDEFGHIJ");
}

TEST(DeviceId, LengthLimit) {
  EXPECT_TRUE(check_device_id(std::string(kMaxDeviceIdBytes, 'D')));
  EXPECT_FALSE(check_device_id(std::string(kMaxDeviceIdBytes + 1, 'D')));
  EXPECT_FALSE(check_device_id(""));
  EXPECT_FALSE(DeviceId::parse(""));
}

TEST(DeviceId, NoControlCharactersOrBrokenUtf8) {
  EXPECT_FALSE(check_device_id("a\nb"));
  EXPECT_FALSE(check_device_id("a\tb"));
  EXPECT_FALSE(check_device_id(std::string("a\0b", 3)));
  EXPECT_FALSE(check_device_id("a\x7f"));
  EXPECT_FALSE(check_device_id("a\xc2\x85"));  // U+0085, NEXT LINE
  EXPECT_FALSE(check_device_id("a\xff"));
  EXPECT_FALSE(check_device_id("\xed\xa0\x80"));
  auto error = DeviceId::parse("a\rb");
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().find("control character"), std::string::npos);
}

}  // namespace
}  // namespace myelin::ids
