#include "storage/store/account_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class AccountStoreTest : public StoreTest {
 protected:
  AccountStore& accounts() { return store().accounts; }

  void add_user(const std::string& user_id) {
    ASSERT_TRUE(accounts().create_user({user_id, "hash", 5, false, false, false, std::nullopt}));
  }
  void add_device_with_token(const std::string& user_id, const std::string& device_id,
                             const std::string& token) {
    accounts().upsert_device({user_id, device_id, std::nullopt, std::nullopt, std::nullopt});
    accounts().add_token(token, {user_id, device_id}, 10);
  }
};

TEST_F(AccountStoreTest, CreatesUserAndReadsItBack) {
  UserRecord alice{"@alice:test.local", "argon-hash", 1234, true, false, false, "bot"};
  ASSERT_TRUE(accounts().create_user(alice));
  auto read = accounts().user("@alice:test.local");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->user_id, "@alice:test.local");
  EXPECT_EQ(read->password_hash, "argon-hash");
  EXPECT_EQ(read->created_ts, 1234);
  EXPECT_TRUE(read->is_admin);
  EXPECT_FALSE(read->is_guest);
  EXPECT_FALSE(read->deactivated);
  EXPECT_EQ(read->user_type, "bot");
  EXPECT_TRUE(accounts().user_exists("@alice:test.local"));
  EXPECT_FALSE(accounts().user_exists("@bob:test.local"));
  EXPECT_FALSE(accounts().user("@bob:test.local").has_value());
}

TEST_F(AccountStoreTest, DuplicateUserIsRefusedAndKeepsTheFirst) {
  ASSERT_TRUE(accounts().create_user({"@alice:test.local", "first", 1, false, false, false, {}}));
  EXPECT_FALSE(accounts().create_user({"@alice:test.local", "second", 2, true, false, false, {}}));
  auto read = accounts().user("@alice:test.local");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->password_hash, "first");
  EXPECT_EQ(read->created_ts, 1);
  EXPECT_FALSE(read->is_admin);
}

TEST_F(AccountStoreTest, PasswordAndAdminUpdates) {
  add_user("@alice:test.local");
  accounts().set_password_hash("@alice:test.local", "new-hash");
  accounts().set_admin("@alice:test.local", true);
  auto read = accounts().user("@alice:test.local");
  EXPECT_EQ(read->password_hash, "new-hash");
  EXPECT_TRUE(read->is_admin);
  accounts().set_admin("@alice:test.local", false);
  EXPECT_FALSE(accounts().user("@alice:test.local")->is_admin);
}

TEST_F(AccountStoreTest, ProfileFieldsAreIndependent) {
  add_user("@alice:test.local");
  EXPECT_FALSE(accounts().profile("@alice:test.local").displayname.has_value());
  accounts().set_displayname("@alice:test.local", "Alice");
  accounts().set_avatar_url("@alice:test.local", "mxc://test.local/abc");
  Profile p = accounts().profile("@alice:test.local");
  EXPECT_EQ(p.displayname, "Alice");
  EXPECT_EQ(p.avatar_url, "mxc://test.local/abc");
  accounts().set_displayname("@alice:test.local", std::nullopt);
  p = accounts().profile("@alice:test.local");
  EXPECT_FALSE(p.displayname.has_value());
  EXPECT_EQ(p.avatar_url, "mxc://test.local/abc");
}

TEST_F(AccountStoreTest, TokenLifecycle) {
  add_user("@alice:test.local");
  add_device_with_token("@alice:test.local", "DEV1", "tok1");
  accounts().add_token("tok2", {"@alice:test.local", "DEV1"}, 11);
  auto owner = accounts().token_owner("tok1");
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->user_id, "@alice:test.local");
  EXPECT_EQ(owner->device_id, "DEV1");
  EXPECT_FALSE(accounts().token_owner("nope").has_value());
  EXPECT_THAT(accounts().tokens_of_device("@alice:test.local", "DEV1"),
              UnorderedElementsAre("tok1", "tok2"));

  accounts().delete_token("tok1");
  EXPECT_FALSE(accounts().token_owner("tok1").has_value());
  EXPECT_TRUE(accounts().token_owner("tok2").has_value());
  EXPECT_THAT(accounts().tokens_of_user("@alice:test.local"), ElementsAre("tok2"));
}

TEST_F(AccountStoreTest, DeviceLifecycle) {
  add_user("@alice:test.local");
  accounts().upsert_device({"@alice:test.local", "DEV1", "Phone", 100, "10.0.0.1"});
  auto device = accounts().device("@alice:test.local", "DEV1");
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->display_name, "Phone");
  EXPECT_EQ(device->last_seen_ts, 100);
  EXPECT_EQ(device->last_seen_ip, "10.0.0.1");

  // A login naming the device again keeps its display name unless it gives one.
  accounts().upsert_device({"@alice:test.local", "DEV1", std::nullopt, 200, "10.0.0.2"});
  device = accounts().device("@alice:test.local", "DEV1");
  EXPECT_EQ(device->display_name, "Phone");
  EXPECT_EQ(device->last_seen_ts, 200);

  EXPECT_TRUE(accounts().set_device_display_name("@alice:test.local", "DEV1", "Laptop"));
  EXPECT_FALSE(accounts().set_device_display_name("@alice:test.local", "NOPE", "x"));
  EXPECT_EQ(accounts().device("@alice:test.local", "DEV1")->display_name, "Laptop");

  accounts().touch_device("@alice:test.local", "DEV1", 300, "10.0.0.3");
  device = accounts().device("@alice:test.local", "DEV1");
  EXPECT_EQ(device->last_seen_ts, 300);
  EXPECT_EQ(device->last_seen_ip, "10.0.0.3");
}

TEST_F(AccountStoreTest, DeleteDeviceRemovesItsTokensOnly) {
  add_user("@alice:test.local");
  add_device_with_token("@alice:test.local", "DEV1", "tok1");
  add_device_with_token("@alice:test.local", "DEV2", "tok2");
  accounts().delete_device("@alice:test.local", "DEV1");
  EXPECT_FALSE(accounts().device("@alice:test.local", "DEV1").has_value());
  EXPECT_FALSE(accounts().token_owner("tok1").has_value());
  EXPECT_TRUE(accounts().device("@alice:test.local", "DEV2").has_value());
  EXPECT_TRUE(accounts().token_owner("tok2").has_value());
}

TEST_F(AccountStoreTest, DeleteDevicesExceptKeepsOneDeviceAndOtherUsers) {
  add_user("@alice:test.local");
  add_user("@bob:test.local");
  add_device_with_token("@alice:test.local", "DEV1", "a1");
  add_device_with_token("@alice:test.local", "DEV2", "a2");
  add_device_with_token("@alice:test.local", "DEV3", "a3");
  add_device_with_token("@bob:test.local", "DEV1", "b1");

  accounts().delete_devices_except("@alice:test.local", std::string("DEV2"));
  std::vector<std::string> ids;
  for (const DeviceRecord& d : accounts().devices("@alice:test.local")) ids.push_back(d.device_id);
  EXPECT_THAT(ids, ElementsAre("DEV2"));
  EXPECT_THAT(accounts().tokens_of_user("@alice:test.local"), ElementsAre("a2"));
  EXPECT_TRUE(accounts().token_owner("b1").has_value());
  EXPECT_EQ(accounts().devices("@bob:test.local").size(), 1u);

  accounts().delete_devices_except("@alice:test.local", std::nullopt);
  EXPECT_THAT(accounts().devices("@alice:test.local"), IsEmpty());
  EXPECT_THAT(accounts().tokens_of_user("@alice:test.local"), IsEmpty());
  EXPECT_TRUE(accounts().token_owner("b1").has_value());
}

TEST_F(AccountStoreTest, DeactivateRemovesTokensDevicesProfileAndPassword) {
  add_user("@alice:test.local");
  add_user("@bob:test.local");
  add_device_with_token("@alice:test.local", "DEV1", "a1");
  add_device_with_token("@alice:test.local", "DEV2", "a2");
  add_device_with_token("@bob:test.local", "DEV1", "b1");
  accounts().set_displayname("@alice:test.local", "Alice");
  ASSERT_TRUE(store().threepids.add({"email", "alice@example.org", "@alice:test.local", 1, 1}));

  accounts().deactivate("@alice:test.local");
  EXPECT_FALSE(store().threepids.user_of("email", "alice@example.org").has_value());
  auto alice = accounts().user("@alice:test.local");
  ASSERT_TRUE(alice.has_value());
  EXPECT_TRUE(alice->deactivated);
  EXPECT_FALSE(alice->password_hash.has_value());
  EXPECT_FALSE(accounts().token_owner("a1").has_value());
  EXPECT_FALSE(accounts().token_owner("a2").has_value());
  EXPECT_THAT(accounts().devices("@alice:test.local"), IsEmpty());
  EXPECT_FALSE(accounts().profile("@alice:test.local").displayname.has_value());
  EXPECT_TRUE(accounts().token_owner("b1").has_value());
  // A deactivated user's ID stays taken.
  EXPECT_FALSE(accounts().create_user({"@alice:test.local", "x", 1, false, false, false, {}}));
}

TEST_F(AccountStoreTest, DirectoryCandidatesSkipDeactivatedUsers) {
  add_user("@alice:test.local");
  add_user("@alfred:test.local");
  add_user("@bob:test.local");
  accounts().set_displayname("@bob:test.local", "Bob ALlen");
  accounts().deactivate("@alfred:test.local");
  std::vector<std::string> found;
  for (const auto& c : accounts().directory_candidates("al")) found.push_back(c.user_id);
  EXPECT_THAT(found, ElementsAre("@alice:test.local", "@bob:test.local"));
}

TEST_F(AccountStoreTest, DirectoryCandidatesMatchWildcardsLiterally) {
  add_user("@a_b:test.local");
  add_user("@axb:test.local");
  std::vector<std::string> found;
  for (const auto& c : accounts().directory_candidates("a_")) found.push_back(c.user_id);
  EXPECT_THAT(found, ElementsAre("@a_b:test.local"));
}

}  // namespace
}  // namespace myelin::storage
