#include "storage/store/user_admin_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class UserAdminStoreTest : public StoreTest {
 protected:
  void add_user(const std::string& user_id, std::int64_t created_ts, bool admin = false,
                bool guest = false, std::optional<std::string> type = std::nullopt) {
    UserRecord user;
    user.user_id = user_id;
    user.created_ts = created_ts;
    user.is_admin = admin;
    user.is_guest = guest;
    user.user_type = std::move(type);
    ASSERT_TRUE(store().accounts.create_user(user));
  }

  std::vector<std::string> names(const UserListQuery& query) {
    std::vector<std::string> out;
    for (const AdminUserView& u : store().user_admin.list_users(query).users) {
      out.push_back(u.user_id);
    }
    return out;
  }
};

TEST_F(UserAdminStoreTest, FlagsStartClearAndPersist) {
  add_user("@a:hs", 1);
  EXPECT_FALSE(store().user_admin.flags("@nobody:hs"));
  auto flags = store().user_admin.flags("@a:hs");
  ASSERT_TRUE(flags);
  EXPECT_FALSE(flags->locked || flags->suspended || flags->shadow_banned || flags->erased);
  store().user_admin.set_locked("@a:hs", true);
  store().user_admin.set_suspended("@a:hs", true);
  store().user_admin.set_shadow_banned("@a:hs", true);
  reopen();
  flags = store().user_admin.flags("@a:hs");
  EXPECT_TRUE(flags->locked);
  EXPECT_TRUE(flags->suspended);
  EXPECT_TRUE(flags->shadow_banned);
  EXPECT_FALSE(flags->erased);
}

TEST_F(UserAdminStoreTest, ListFiltersAndOrders) {
  add_user("@carol:hs", 300);
  add_user("@alice:hs", 100, /*admin=*/true);
  add_user("@bob:hs", 200, false, false, "bot");
  add_user("@123:hs", 400, false, /*guest=*/true);
  store().accounts.set_displayname("@bob:hs", "Robert Zed");
  store().user_admin.set_locked("@carol:hs", true);

  UserListQuery all;
  EXPECT_EQ(names(all), (std::vector<std::string>{"@123:hs", "@alice:hs", "@bob:hs"}));
  all.include_locked = true;
  EXPECT_EQ(store().user_admin.list_users(all).total, 4);
  all.include_guests = false;
  EXPECT_EQ(names(all), (std::vector<std::string>{"@alice:hs", "@bob:hs", "@carol:hs"}));

  UserListQuery by_name;
  by_name.name = "ZED";
  EXPECT_EQ(names(by_name), std::vector<std::string>{"@bob:hs"});
  by_name.name = "hs";  // the server name is not part of the localpart
  EXPECT_TRUE(names(by_name).empty());
  by_name.name = "li";
  EXPECT_EQ(names(by_name), std::vector<std::string>{"@alice:hs"});

  UserListQuery admins;
  admins.admins = true;
  EXPECT_EQ(names(admins), std::vector<std::string>{"@alice:hs"});
  admins.admins = false;
  EXPECT_EQ(names(admins), (std::vector<std::string>{"@123:hs", "@bob:hs"}));

  UserListQuery typed;
  typed.not_user_types = {"bot"};
  EXPECT_EQ(names(typed), (std::vector<std::string>{"@123:hs", "@alice:hs"}));
  typed.not_user_types = {""};
  EXPECT_EQ(names(typed), std::vector<std::string>{"@bob:hs"});

  UserListQuery newest;
  newest.include_locked = true;
  newest.order_by = "creation_ts";
  newest.descending = true;
  EXPECT_EQ(names(newest),
            (std::vector<std::string>{"@123:hs", "@carol:hs", "@bob:hs", "@alice:hs"}));
  newest.limit = 2;
  newest.from = 2;
  EXPECT_EQ(names(newest), (std::vector<std::string>{"@bob:hs", "@alice:hs"}));
  EXPECT_EQ(store().user_admin.list_users(newest).total, 4);

  // Ties sort by ascending user ID whichever the direction.
  UserListQuery by_admin;
  by_admin.order_by = "admin";
  by_admin.descending = true;
  EXPECT_EQ(names(by_admin), (std::vector<std::string>{"@alice:hs", "@123:hs", "@bob:hs"}));
}

TEST_F(UserAdminStoreTest, DeactivatedFilterIsTriState) {
  add_user("@a:hs", 1);
  add_user("@b:hs", 2);
  store().accounts.deactivate("@b:hs");
  UserListQuery q;
  EXPECT_EQ(names(q).size(), 2u);
  q.deactivated = false;
  EXPECT_EQ(names(q), std::vector<std::string>{"@a:hs"});
  q.deactivated = true;
  EXPECT_EQ(names(q), std::vector<std::string>{"@b:hs"});
  store().user_admin.reactivate("@b:hs");
  EXPECT_TRUE(names(q).empty());
}

TEST_F(UserAdminStoreTest, NameFilterTreatsWildcardsLiterally) {
  add_user("@a_b:hs", 1);
  add_user("@axb:hs", 2);
  UserListQuery q;
  q.name = "a_b";
  EXPECT_EQ(names(q), std::vector<std::string>{"@a_b:hs"});
}

TEST_F(UserAdminStoreTest, ConnectionsKeepTheLatestSightingAndMoveDevices) {
  add_user("@a:hs", 1);
  store().accounts.upsert_device({"@a:hs", "DEV", std::nullopt, std::nullopt, std::nullopt});
  store().user_admin.record_connections({{"@a:hs", "DEV", "10.0.0.1", "curl", 50}});
  store().user_admin.record_connections(
      {{"@a:hs", "DEV", "10.0.0.1", "curl", 40}, {"@a:hs", "DEV", "10.0.0.2", "ua", 60}});
  auto seen = store().user_admin.connections("@a:hs");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].ip, "10.0.0.2");
  EXPECT_EQ(seen[1].last_seen, 50);  // an older sighting does not move it back
  auto device = store().accounts.device("@a:hs", "DEV");
  EXPECT_EQ(device->last_seen_ts, 60);
  EXPECT_EQ(device->last_seen_ip, "10.0.0.2");
  EXPECT_EQ(store().user_admin.user("@a:hs")->last_seen_ts, 60);
}

TEST_F(UserAdminStoreTest, PuppetTokensAuthenticateWithoutADevice) {
  add_user("@a:hs", 1);
  store().user_admin.add_puppet_token("tok", {"@a:hs", "@admin:hs", 99}, 5);
  auto owner = store().accounts.token_owner("tok");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->user_id, "@a:hs");
  EXPECT_EQ(owner->device_id, "");
  EXPECT_TRUE(store().accounts.devices("@a:hs").empty());
  EXPECT_EQ(store().user_admin.puppet_token("tok")->valid_until_ms, 99);
  store().user_admin.delete_puppet_token("tok");
  EXPECT_FALSE(store().accounts.token_owner("tok"));
  EXPECT_FALSE(store().user_admin.puppet_token("tok"));
}

}  // namespace
}  // namespace myelin::storage
