#include "protocol/ids/id_errors.hpp"

#include <gtest/gtest.h>

namespace myelin::ids {
namespace {

TEST(IdErrors, ErrcodeFollowsTheSource) {
  EXPECT_EQ(errcode_for_invalid_id(IdSource::kRegistrationUsername), ErrCode::kInvalidUsername);
  EXPECT_EQ(errcode_for_invalid_id(IdSource::kRequestParameter), ErrCode::kInvalidParam);
  EXPECT_EQ(errcode_for_invalid_id(IdSource::kEventField), ErrCode::kBadJson);
  EXPECT_EQ(errcode_name(errcode_for_invalid_id(IdSource::kRegistrationUsername)),
            "M_INVALID_USERNAME");
  EXPECT_EQ(http_status(errcode_for_invalid_id(IdSource::kRequestParameter)), 400);
}

}  // namespace
}  // namespace myelin::ids
