#include "storage/store/external_id_store.hpp"

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class ExternalIdStoreTest : public StoreTest {};

TEST_F(ExternalIdStoreTest, LinksOnceAndLooksUp) {
  ExternalIdStore& ids = store().external_ids;
  EXPECT_FALSE(ids.user_of("oidc", "sub-1"));
  EXPECT_TRUE(ids.link("oidc", "sub-1", "@alice:x"));
  EXPECT_FALSE(ids.link("oidc", "sub-1", "@mallory:x"));   // the first link wins
  EXPECT_TRUE(ids.link("oidc-other", "sub-1", "@bob:x"));  // same subject, other provider
  EXPECT_TRUE(ids.link("oidc-other", "sub-2", "@alice:x"));
  EXPECT_EQ(ids.user_of("oidc", "sub-1"), "@alice:x");
  EXPECT_EQ(ids.user_of("oidc-other", "sub-1"), "@bob:x");
  auto alice = ids.of_user("@alice:x");
  ASSERT_EQ(alice.size(), 2u);
  EXPECT_EQ(alice[0].auth_provider, "oidc");
  EXPECT_EQ(alice[1].external_id, "sub-2");
  EXPECT_TRUE(ids.unlink("oidc", "sub-1"));
  EXPECT_FALSE(ids.unlink("oidc", "sub-1"));
  EXPECT_FALSE(ids.user_of("oidc", "sub-1"));
}

TEST_F(ExternalIdStoreTest, SurvivesARestart) {
  store().external_ids.link("oidc", "s", "@a:x");
  reopen();
  EXPECT_EQ(store().external_ids.user_of("oidc", "s"), "@a:x");
}

}  // namespace
}  // namespace myelin::storage
