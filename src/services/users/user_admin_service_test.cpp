#include "services/users/user_admin_service.hpp"

#include <gtest/gtest.h>

#include "base/matrix_error.hpp"
#include "services/rooms/test_homeserver.hpp"

namespace myelin::services {
namespace {

class UserAdminServiceTest : public ::testing::Test {
 protected:
  UserAdminServiceTest() : accounts_(hs_.ctx()), admin_(hs_.ctx(), accounts_, hs_.rooms()) {}

  LoginResult make_user(const std::string& localpart) {
    NewAccount account;
    account.localpart = localpart;
    account.password = "pw";
    return hs_.run(accounts_.register_account(account));
  }

  // The errcode admit() throws, "" when it lets the request through.
  std::string admit(const LoginResult& login, const std::string& agent = "ua",
                    bool allow_locked = false) {
    Session session{login.user_id, login.device_id, false};
    try {
      hs_.run(admin_.admit(session, login.access_token, "10.1.2.3:4567", agent, allow_locked));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }

  TestHomeserver hs_;
  AccountService accounts_;
  UserAdminService admin_;
};

TEST_F(UserAdminServiceTest, LockedUsersAreRefusedOnceTheCacheIsTold) {
  LoginResult lena = make_user("lena");
  EXPECT_EQ(admit(lena), "");
  hs_.store().user_admin.set_locked(lena.user_id, true);
  EXPECT_EQ(admit(lena), "");  // cached: handlers call forget_flags() after a change
  admin_.forget_flags(lena.user_id);
  EXPECT_EQ(admit(lena), "M_USER_LOCKED");
  EXPECT_EQ(admit(lena, "ua", /*allow_locked=*/true), "");
  hs_.store().user_admin.set_locked(lena.user_id, false);
  admin_.forget_flags(lena.user_id);
  EXPECT_EQ(admit(lena), "");
}

TEST_F(UserAdminServiceTest, ConnectionsReachTheStoreAtFirstThenWhenFlushed) {
  LoginResult carl = make_user("carl");
  EXPECT_EQ(admit(carl, "first"), "");  // the first request flushes (nothing written yet)
  auto seen = hs_.store().user_admin.connections(carl.user_id);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].ip, "10.1.2.3");  // without the port
  EXPECT_EQ(seen[0].device_id, carl.device_id);
  EXPECT_EQ(admit(carl, "second"), "");  // within kConnectionFlushMs: kept in memory
  EXPECT_EQ(hs_.store().user_admin.connections(carl.user_id).size(), 1u);
  hs_.run(admin_.flush_connections());
  EXPECT_EQ(hs_.store().user_admin.connections(carl.user_id).size(), 2u);
  EXPECT_TRUE(hs_.store().accounts.device(carl.user_id, carl.device_id)->last_seen_ts);
}

TEST_F(UserAdminServiceTest, LoginAsTokensExpire) {
  make_user("pia");
  const std::string pia = "@pia:test.local";
  std::optional<std::int64_t> forever;
  std::string lasting = hs_.run(admin_.login_as(pia, "@boss:test.local", forever));
  std::optional<std::int64_t> past = hs_.now() - 1;
  std::string expired = hs_.run(admin_.login_as(pia, "@boss:test.local", past));
  EXPECT_EQ(admit({pia, "", lasting}), "");
  EXPECT_EQ(admit({pia, "", expired}), "M_UNKNOWN_TOKEN");
  EXPECT_FALSE(hs_.store().accounts.token_owner(expired));
  EXPECT_TRUE(hs_.store().accounts.token_owner(lasting));
}

TEST_F(UserAdminServiceTest, DeactivationLeavesRoomsAndEraseMarksTheAccount) {
  LoginResult dan = make_user("dan");
  CreateRoomRequest request;
  request.creator = dan.user_id;
  std::string room_id = hs_.run(hs_.rooms().create_room(request));
  hs_.run(admin_.deactivate(dan.user_id, /*erase=*/true));
  EXPECT_EQ(hs_.store().user_admin.memberships(dan.user_id).at(room_id), "leave");
  EXPECT_TRUE(hs_.store().user_admin.flags(dan.user_id)->erased);
  EXPECT_TRUE(hs_.store().accounts.user(dan.user_id)->deactivated);
  EXPECT_FALSE(hs_.store().accounts.token_owner(dan.access_token));
}

}  // namespace
}  // namespace myelin::services
