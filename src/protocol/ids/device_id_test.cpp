#include "protocol/ids/device_id.hpp"

#include <gtest/gtest.h>

#include "protocol/ids/id_errors.hpp"

namespace myelin::ids {
namespace {

TEST(DeviceId, Opaque) {
  EXPECT_TRUE(check_device_id("ABCDEFGHIJ"));
  EXPECT_TRUE(check_device_id("my laptop \xc3\xa9"));
  EXPECT_TRUE(check_device_id(std::string(255, 'D')));
  EXPECT_FALSE(check_device_id(""));
  EXPECT_FALSE(check_device_id(std::string(256, 'D')));
  EXPECT_FALSE(check_device_id("a\nb"));
  EXPECT_FALSE(check_device_id(std::string_view("a\0b", 3)));
  EXPECT_FALSE(check_device_id("a\x7f"));
}

TEST(IdErrors, ErrcodeFollowsTheSource) {
  EXPECT_EQ(errcode_for_invalid_id(IdSource::kRegistrationUsername), ErrCode::kInvalidUsername);
  EXPECT_EQ(errcode_for_invalid_id(IdSource::kRequestParameter), ErrCode::kInvalidParam);
  EXPECT_EQ(errcode_for_invalid_id(IdSource::kRequestBody), ErrCode::kBadJson);
}

}  // namespace
}  // namespace myelin::ids
