#include "services/users/account_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/service_test_fixture.hpp"

namespace myelin::services {
namespace {

// AccountService over a migrated SQLite file, worker pools and an io_context that run() drives.
class AccountServiceTest : public testing::ServiceTestFixture {
 protected:
  AccountServiceTest() : accounts_(ctx_) {}

  LoginResult register_alice(std::optional<std::string> device_id = std::nullopt) {
    NewAccount account;
    account.localpart = "alice";
    account.password = "correct horse";
    account.device_id = std::move(device_id);
    account.initial_device_display_name = "Phone";
    return run(accounts_.register_account(account));
  }
  LoginResult login(const std::string& password,
                    std::optional<std::string> device_id = std::nullopt) {
    return run(
        accounts_.login_with_password("@alice:test.local", password, device_id, std::nullopt));
  }
  std::optional<Session> session(const std::string& token) {
    return run(accounts_.authenticate(token));
  }

  AccountService accounts_;
};

TEST_F(AccountServiceTest, RegisterCreatesUserDeviceAndToken) {
  LoginResult registered = register_alice(std::string("MYDEVICE"));
  EXPECT_EQ(registered.user_id, "@alice:test.local");
  EXPECT_EQ(registered.device_id, "MYDEVICE");
  EXPECT_FALSE(registered.access_token.empty());
  auto found = session(registered.access_token);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, "@alice:test.local");
  EXPECT_EQ(found->device_id, "MYDEVICE");
  EXPECT_FALSE(found->is_admin);
  auto device = store_->accounts.device("@alice:test.local", "MYDEVICE");
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->display_name, "Phone");
  auto user = store_->accounts.user("@alice:test.local");
  ASSERT_TRUE(user.has_value());
  ASSERT_TRUE(user->password_hash.has_value());
  EXPECT_EQ(user->password_hash->find("correct horse"), std::string::npos);
  EXPECT_FALSE(session("not-a-token").has_value());
}

TEST_F(AccountServiceTest, RegisterRefusesTakenAndInvalidNames) {
  register_alice();
  NewAccount again;
  again.localpart = "alice";
  again.inhibit_login = true;
  EXPECT_EQ(error_of(accounts_.register_account(again)), "M_USER_IN_USE");
  EXPECT_EQ(error_of(accounts_.check_username_available("alice")), "M_USER_IN_USE");
  EXPECT_EQ(error_of(accounts_.check_username_available("Not Valid")), "M_INVALID_USERNAME");
  EXPECT_EQ(error_of(accounts_.check_username_available("bob")), "");

  NewAccount inhibited;
  inhibited.localpart = "bob";
  inhibited.inhibit_login = true;
  LoginResult bob = run(accounts_.register_account(inhibited));
  EXPECT_EQ(bob.user_id, "@bob:test.local");
  EXPECT_TRUE(bob.access_token.empty());
  EXPECT_TRUE(store_->accounts.devices("@bob:test.local").empty());
}

TEST_F(AccountServiceTest, LoginChecksThePassword) {
  register_alice();
  LoginResult second = login("correct horse");
  EXPECT_EQ(second.user_id, "@alice:test.local");
  EXPECT_TRUE(session(second.access_token).has_value());
  EXPECT_EQ(store_->accounts.devices("@alice:test.local").size(), 2u);
  EXPECT_EQ(error_of(accounts_.login_with_password("@alice:test.local", "wrong", std::nullopt,
                                                   std::nullopt)),
            "M_FORBIDDEN");
  EXPECT_EQ(error_of(accounts_.login_with_password("@nobody:test.local", "correct horse",
                                                   std::nullopt, std::nullopt)),
            "M_FORBIDDEN");
}

TEST_F(AccountServiceTest, LogoutDropsTheTokenAndDeviceFromMemoryAndStore) {
  LoginResult first = register_alice();
  LoginResult second = login("correct horse");
  ASSERT_TRUE(session(first.access_token).has_value());  // now cached in memory
  run(accounts_.logout(first.access_token));
  EXPECT_FALSE(session(first.access_token).has_value());
  EXPECT_FALSE(store_->accounts.device("@alice:test.local", first.device_id).has_value());
  EXPECT_TRUE(session(second.access_token).has_value());

  LoginResult third = login("correct horse");
  run(accounts_.logout_all("@alice:test.local"));
  EXPECT_FALSE(session(second.access_token).has_value());
  EXPECT_FALSE(session(third.access_token).has_value());
  EXPECT_TRUE(store_->accounts.devices("@alice:test.local").empty());
}

TEST_F(AccountServiceTest, PasswordChangeCanKeepOneDevice) {
  LoginResult first = register_alice();
  LoginResult second = login("correct horse");
  ASSERT_TRUE(session(second.access_token).has_value());
  run(accounts_.set_password("@alice:test.local", "battery staple", true, first.device_id));
  EXPECT_TRUE(session(first.access_token).has_value());
  EXPECT_FALSE(session(second.access_token).has_value());
  EXPECT_FALSE(run(accounts_.check_password("@alice:test.local", "correct horse")));
  EXPECT_TRUE(run(accounts_.check_password("@alice:test.local", "battery staple")));
}

TEST_F(AccountServiceTest, DeactivationEndsEverySession) {
  LoginResult first = register_alice();
  LoginResult second = login("correct horse");
  ASSERT_TRUE(session(first.access_token).has_value());
  run(accounts_.deactivate("@alice:test.local"));
  EXPECT_FALSE(session(first.access_token).has_value());
  EXPECT_FALSE(session(second.access_token).has_value());
  // Synapse says so rather than "wrong password".
  EXPECT_EQ(error_of(accounts_.login_with_password("@alice:test.local", "correct horse",
                                                   std::nullopt, std::nullopt)),
            "M_USER_DEACTIVATED");
  EXPECT_FALSE(run(accounts_.check_password("@alice:test.local", "correct horse")));
  // The ID stays taken.
  EXPECT_EQ(error_of(accounts_.check_username_available("alice")), "M_USER_IN_USE");
}

TEST_F(AccountServiceTest, QualifiesLocalparts) {
  EXPECT_EQ(accounts_.qualify("alice"), "@alice:test.local");
  EXPECT_EQ(accounts_.qualify("@bob:test.local"), "@bob:test.local");
  EXPECT_TRUE(accounts_.is_local("@bob:test.local"));
  EXPECT_FALSE(accounts_.is_local("@bob:elsewhere.org"));
}

}  // namespace
}  // namespace myelin::services
